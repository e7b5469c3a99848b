"""`twoway programme ...`: create a programme, import its roster, match, approve, follow it.

A rule that refuses a matching run or a review (a stale proposal, an override that does not fit)
exits 3 with the programme's reason on stderr.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from cli.runtime import ExitCode, cli_runtime, console, errors, fail
from domain.policy import RelationshipPolicy
from domain.programme import ExcludePair, ForcePair, Override, Programme, SwapMentees
from roster.importer import ImportReport
from roster.parse import ParsedRoster, parse_file
from services import programmes
from services.errors import RefusedError
from services.programmes import ProgrammeHandle
from store.organisations import DEFAULT_ORGANISATION
from twoway.bootstrap import Runtime
from workflows.programme_io import ProgrammeStatus, ReviewReceipt, programme_workflow_id

programme_app = typer.Typer(
    help="Programmes: roster import, matching, approval.", no_args_is_help=True
)


@programme_app.command("create")
def create(
    programme: Annotated[str, typer.Option(help="Programme id (letters, digits, - _ .).")],
    name: Annotated[str, typer.Option(help="Programme name.")],
    objective: Annotated[list[str], typer.Option(help="An objective (repeatable).")],
    starts_on: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")],
    ends_on: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD.")],
    coordinator: Annotated[list[str], typer.Option(help="Coordinator id (repeatable).")],
    owner: Annotated[str, typer.Option(help="Programme owner's id.")],
    focus: Annotated[list[str] | None, typer.Option(help="Focus area (repeatable).")] = None,
    format: Annotated[str, typer.Option(help="reverse or mutual.")] = "reverse",
    policy: Annotated[str, typer.Option(help="standard (weeks) or fast (minutes).")] = "standard",
    approval: Annotated[bool, typer.Option(help="Coordinator approves matches.")] = True,
    settings_file: Annotated[
        Path | None, typer.Option(help="JSON with weights/constraints/other Programme fields.")
    ] = None,
    match_now: Annotated[bool, typer.Option(help="The roster is imported: match at once.")] = False,
) -> None:
    """Start the programme's workflow (idempotent: the same id returns the running one)."""
    values: dict[str, Any] = {
        "programme_id": programme,
        "name": name,
        "objectives": objective,
        "focus_areas": focus or [],
        "format": format,
        "term": {"starts_on": starts_on, "ends_on": ends_on},
        "relationship_policy": (
            RelationshipPolicy.fast() if policy == "fast" else RelationshipPolicy.standard()
        ),
        "coordinator_ids": coordinator,
        "owner_id": owner,
        "approval_required": approval,
    }
    if settings_file is not None:
        # Weights, constraints, digest interval... any Programme field, over the options.
        values.update(json.loads(settings_file.read_text(encoding="utf-8")))
    try:
        definition = Programme.model_validate(values)
    except ValidationError as error:
        _print_validation(error)
        raise typer.Exit(ExitCode.INVALID) from None
    workflow_id = asyncio.run(_create(definition, match_now))
    print(workflow_id)


async def _create(programme: Programme, match_now: bool) -> str:
    async with cli_runtime() as runtime:
        client, task_queue = await runtime.client(), runtime.settings.task_queue
        # An existing programme of that id is the answer: creating it again changes nothing.
        await programmes.create_programme(client, task_queue, programme, match_now=match_now)
    return programme_workflow_id(programme.programme_id)


@programme_app.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Roster: CSV, .xlsx or JSON.")
    ],
    programme: Annotated[str, typer.Option(help="Programme id to enrol the people in.")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid lines and list the skipped ones.")
    ] = False,
    organisation: Annotated[
        str, typer.Option(help="The organisation importing the roster, for its own people.")
    ] = DEFAULT_ORGANISATION,
) -> None:
    """Validate the roster and enrol its people; nothing is imported if any line is invalid."""
    # Three steps (read, enrol, done) as a bar on a terminal; nothing when output is piped.
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        console=errors,
        disable=not errors.is_terminal,
    ) as progress:
        task = progress.add_task(f"reading {file.name}", total=2)
        parsed = parse_file(file)
        progress.update(task, advance=1, description=f"importing {len(parsed.entries)} people")
        report = asyncio.run(_import(programme, parsed, skip_invalid, organisation))
        progress.update(task, advance=1, description="done")
    for written, field_name in report.columns_read_as:
        console.print(f"column {written!r} read as {field_name}")
    for issue in report.issues:
        errors.print(f"[red]{file.name}:[/red] {issue}")
    if not report.imported:
        errors.print(f"[red]nothing imported:[/red] {len(report.issues)} problem(s)")
        raise typer.Exit(ExitCode.INVALID)
    if report.skipped_lines:
        errors.print(f"[yellow]skipped lines:[/yellow] {', '.join(map(str, report.skipped_lines))}")
    console.print(
        f"enrolled in {programme}: {report.added} added, {report.updated} updated,"
        f" {report.unchanged} unchanged"
    )


async def _import(
    programme_id: str, parsed: ParsedRoster, skip_invalid: bool, organisation: str
) -> ImportReport:
    refusal = programmes.refused(parsed, skip_invalid=skip_invalid)
    if refusal is not None:
        return refusal  # a bad file needs no database to be reported
    async with cli_runtime(pool_max_size=1) as runtime:
        pool = await runtime.pool()
        async with pool.acquire() as conn:
            return await programmes.enrol_roster(
                conn, programme_id, parsed, skip_invalid=skip_invalid, organisation=organisation
            )


@programme_app.command("match")
def match_now(programme: Annotated[str, typer.Option(help="Programme id.")]) -> None:
    """Run the matching (after the roster import), or rematch the remaining pool."""
    try:
        status = asyncio.run(_start_matching(programme))
    except RefusedError as refused:
        raise fail(f"refused ({refused.code}):", refused.message, ExitCode.REFUSED) from None
    _print_status(status)


async def _start_matching(programme_id: str) -> ProgrammeStatus:
    async with cli_runtime() as runtime:
        handle = await _handle(runtime, programme_id)
        return await programmes.start_matching(handle, f"cli-{uuid.uuid4().hex}")


@programme_app.command("close")
def close(
    programme: Annotated[str, typer.Option(help="Programme id.")],
    cancel: Annotated[bool, typer.Option(help="Cancelled rather than closed early.")] = False,
) -> None:
    """Close a programme before its end date: running terms close, the rest end."""
    try:
        status = asyncio.run(_close(programme, cancel))
    except RefusedError as refused:
        raise fail(f"refused ({refused.code}):", refused.message, ExitCode.REFUSED) from None
    _print_status(status)


async def _close(programme_id: str, cancel: bool) -> ProgrammeStatus:
    async with cli_runtime() as runtime:
        handle = await _handle(runtime, programme_id)
        return await programmes.close_programme(handle, cancel=cancel)


@programme_app.command("approve")
def approve(
    programme: Annotated[str, typer.Option(help="Programme id.")],
    swap: Annotated[
        list[str] | None, typer.Option(help="MENTEE_A:MENTEE_B exchange mentors.")
    ] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="MENTOR:MENTEE drop a pair.")] = None,
    force: Annotated[list[str] | None, typer.Option(help="MENTOR:MENTEE add a pair.")] = None,
    only_overrides: Annotated[
        bool, typer.Option(help="Apply the overrides but do not approve yet.")
    ] = False,
) -> None:
    """Approve the proposal awaiting review, with per-pair overrides."""
    try:
        overrides = _overrides(swap or [], exclude or [], force or [])
    except (ValueError, ValidationError) as error:
        errors.print(f"[red]invalid override:[/red] {error}")
        raise typer.Exit(ExitCode.INVALID) from None
    try:
        receipt = asyncio.run(_approve(programme, overrides, not only_overrides))
    except RefusedError as refused:
        raise fail(f"refused ({refused.code}):", refused.message, ExitCode.REFUSED) from None
    console.print(
        f"proposal v{receipt.proposal_version}: {receipt.pairs} pairs,"
        f" {'approved' if receipt.approved else 'revised'}; programme {receipt.phase}"
    )


def _overrides(swaps: list[str], excludes: list[str], forces: list[str]) -> list[Override]:
    def split(text: str) -> tuple[str, str]:
        first, sep, second = text.partition(":")
        if not sep:
            raise ValueError(f"{text!r}: expected two ids separated by ':'")
        return first, second

    overrides: list[Override] = []
    for a, b in map(split, swaps):
        overrides.append(SwapMentees(first_mentee_id=a, second_mentee_id=b))
    for a, b in map(split, excludes):
        overrides.append(ExcludePair(mentor_id=a, mentee_id=b))
    for a, b in map(split, forces):
        overrides.append(ForcePair(mentor_id=a, mentee_id=b))
    return overrides


async def _approve(programme_id: str, overrides: list[Override], approve: bool) -> ReviewReceipt:
    async with cli_runtime() as runtime:
        handle = await _handle(runtime, programme_id)
        proposal = await programmes.current_proposal(handle)
        if proposal is None:
            errors.print("[red]no proposal is awaiting approval[/red]")
            raise typer.Exit(ExitCode.UNAVAILABLE)
        return await programmes.review_proposal(
            handle,
            review_id=f"cli-{uuid.uuid4().hex}",
            proposal_version=proposal.version,
            overrides=overrides,
            approve=approve,
        )


@programme_app.command("status")
def status(programme: Annotated[str, typer.Option(help="Programme id.")]) -> None:
    """Phase, proposal and relationship counts of a programme."""
    _print_status(asyncio.run(_status(programme)))


async def _status(programme_id: str) -> ProgrammeStatus:
    async with cli_runtime() as runtime:
        return await programmes.programme_status(await _handle(runtime, programme_id))


async def _handle(runtime: Runtime, programme_id: str) -> ProgrammeHandle:
    return programmes.programme_handle(await runtime.client(), programme_id)


def _print_status(status: ProgrammeStatus) -> None:
    table = Table("", "value")
    for name, value in status.model_dump().items():
        table.add_row(name.replace("_", " "), str(value))
    console.print(table)


def _print_validation(error: ValidationError) -> None:
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "programme"
        errors.print(f"[red]invalid {field}:[/red] {problem['msg']}")
