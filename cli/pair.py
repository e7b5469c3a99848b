"""`twoway pair ...`: start a relationship and look at one."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from cli.runtime import ExitCode, cli_runtime, console, errors, fail
from domain.state import RelationshipState
from domain.views import pending_prompts
from services.errors import InvalidRequestError
from services.pairs import (
    PairRequest,
    RelationshipHandle,
    checked_relationship_id,
    start_relationship,
)
from services.relationship_state import relationship_state
from store.database import Pool
from twoway.converter import sealer_from_settings

pair_app = typer.Typer(help="Start and inspect mentoring relationships.", no_args_is_help=True)


@pair_app.command("start")
def start(
    programme: Annotated[str, typer.Option(help="Programme id.")],
    mentor: Annotated[str, typer.Option(help="Employee id of the junior (reverse) mentor.")],
    mentee: Annotated[str, typer.Option(help="Employee id of the senior leader.")],
    coordinator: Annotated[str, typer.Option(help="Coordinator's id.")] = "coordinator",
    owner: Annotated[str, typer.Option(help="Programme owner's id.")] = "programme-owner",
    policy: Annotated[str, typer.Option(help="standard (weeks) or fast (minutes).")] = "standard",
) -> None:
    """Start a relationship (idempotent: the same pair returns the same workflow id)."""
    try:
        request = PairRequest.model_validate(
            {
                "programme_id": programme,
                "mentor_id": mentor,
                "mentee_id": mentee,
                "coordinator_id": coordinator,
                "owner_id": owner,
                "policy": policy,
            }
        )
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"])
            errors.print(f"[red]invalid {field}:[/red] {problem['msg']}")
        raise typer.Exit(ExitCode.INVALID) from None
    handle_id = asyncio.run(_start(request))
    print(handle_id)


async def _start(request: PairRequest) -> str:
    async with cli_runtime() as runtime:
        client, task_queue = await runtime.client(), runtime.settings.task_queue
        try:
            people: Pool | None = await runtime.pool()
        except RuntimeError:
            people = None  # no database named: the pair starts without working hours
        handle = await start_relationship(client, request, task_queue=task_queue, people=people)
    return handle.id


@pair_app.command("show")
def show(relationship_id: Annotated[str, typer.Argument(help="The relationship's id.")]) -> None:
    """Phase, mode, health and open prompts of one relationship."""
    try:
        # Checked before anything is reached: a mistyped id is the input's fault, not a service's.
        asyncio.run(_show(checked_relationship_id(relationship_id)))
    except InvalidRequestError as invalid:
        reasons = "; ".join(message for _, message in invalid.problems)
        raise fail("invalid relationship:", reasons, ExitCode.INVALID) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise fail("unknown relationship:", relationship_id, ExitCode.INVALID) from None
        raise fail("cannot reach the relationship:", str(error), ExitCode.UNAVAILABLE) from None
    except (OSError, RuntimeError) as error:
        # A closed relationship is read from PostgreSQL: no database named is a setup problem.
        raise fail("cannot read the relationship:", str(error), ExitCode.UNAVAILABLE) from None


async def _show(relationship_id: str) -> None:
    async with cli_runtime() as runtime:
        # A closed relationship is read from PostgreSQL, not replayed by a worker.
        handle, state = await relationship_state(
            await runtime.client(),
            await runtime.pool(),
            sealer_from_settings(runtime.settings),
            relationship_id,
        )
        await _print_relationship(handle, state)


async def _print_relationship(handle: RelationshipHandle, state: RelationshipState) -> None:
    description = await handle.describe()
    running = description.status == WorkflowExecutionStatus.RUNNING
    # What the workflow's `pending_prompts` query would compute from this same state; a second
    # query could find the workflow closed meanwhile and make a worker replay it.
    prompts = pending_prompts(state)
    status_name = description.status.name.lower() if description.status else "unknown"
    console.print(f"[bold]{handle.id}[/bold]  workflow {status_name}")
    console.print(
        f"phase {state.phase.value}  mode {state.mode.value}  health {state.health.level.value}"
    )
    if running and prompts:
        table = Table("prompt", "for", "due")
        for prompt in prompts:
            table.add_row(prompt.prompt_id, prompt.recipient_id, prompt.due_at.isoformat())
        console.print(table)
