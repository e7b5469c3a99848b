"""`twoway participant ...`: what one of the pair asks for between prompts, on the command line.

Every command names the relationship and who acts (``--as PERSON``). Exit codes
(``cli.runtime.ExitCode``): 0 done, 1 a service is unreachable, 2 the input is invalid or the
relationship unknown, 3 the relationship refused the request (the reason on stderr).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from cli.runtime import ExitCode, cli_runtime, console, errors, exit_code_of
from services.errors import InvalidRequestError, ServiceError
from services.participants import act_on_relationship, new_action_id
from workflows.relationship_io import ParticipantReceipt

participant_app = typer.Typer(
    no_args_is_help=True,
    help="Act on your relationship between prompts: concern, pause, resume, leave, and more.",
)

Relationship = Annotated[str, typer.Argument(help="The relationship's id.")]
Person = Annotated[str, typer.Option("--as", help="Employee id of the person acting.")]
ActionId = Annotated[
    str | None, typer.Option(help="Idempotency id: a retry with the same id applies once.")
]
PrivateReason = Annotated[
    str | None, typer.Option(help="Why, for the coordinator only; never shown to your partner.")
]


def _run(
    relationship_id: str, person: str, action: str, data: dict[str, Any], action_id: str | None
) -> None:
    chosen = action_id or new_action_id()
    try:
        receipt = asyncio.run(_act(relationship_id, person, action, data, chosen))
    except InvalidRequestError as invalid:
        for where, message in invalid.problems:
            errors.print(f"[red]invalid {where}:[/red] {message}", highlight=False)
        raise typer.Exit(ExitCode.INVALID) from None
    except ServiceError as refused:
        code = getattr(refused, "code", None)
        label = f"refused ({code})" if code else "not done"
        errors.print(f"[red]{label}:[/red] {refused}", highlight=False)
        raise typer.Exit(exit_code_of(refused)) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        errors.print(
            "[red]not confirmed:[/red] the service is very busy; run the same command again"
            f" with --action-id {chosen} (it applies once)",
            highlight=False,
        )
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    except (RPCError, OSError, RuntimeError) as error:
        errors.print(f"[red]cannot reach the relationship:[/red] {error}")
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    console.print(f"done: {receipt.action.replace('_', ' ')}; phase now {receipt.phase}")


async def _act(
    relationship_id: str, person: str, action: str, data: dict[str, Any], action_id: str
) -> ParticipantReceipt:
    async with cli_runtime() as runtime:
        client = await runtime.client()
        return await act_on_relationship(client, relationship_id, person, action, data, action_id)


def _without_none(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@participant_app.command()
def concern(
    relationship_id: Relationship,
    person: Person,
    note: Annotated[
        str | None, typer.Option(help="What worries you; only the coordinator reads it.")
    ] = None,
    action_id: ActionId = None,
) -> None:
    """Raise a concern with the coordinator; your partner is not told."""
    _run(relationship_id, person, "concern", _without_none(note=note), action_id)


@participant_app.command()
def pause(
    relationship_id: Relationship,
    person: Person,
    until: Annotated[
        datetime, typer.Option(help="When to resume (ISO date or time, UTC if no zone given).")
    ],
    reason: PrivateReason = None,
    action_id: ActionId = None,
) -> None:
    """Pause the relationship until a date (at most the programme's maximum pause)."""
    data = _without_none(until=_aware(until).isoformat(), reason=reason)
    _run(relationship_id, person, "pause", data, action_id)


@participant_app.command()
def resume(relationship_id: Relationship, person: Person, action_id: ActionId = None) -> None:
    """Come back before the date you gave for your pause."""
    _run(relationship_id, person, "resume", {}, action_id)


@participant_app.command()
def leave(
    relationship_id: Relationship,
    person: Person,
    reason: PrivateReason = None,
    action_id: ActionId = None,
) -> None:
    """Leave the relationship without fault; your partner is offered a new match."""
    _run(relationship_id, person, "leave", _without_none(reason=reason), action_id)


@participant_app.command("propose-mutual")
def propose_mutual(
    relationship_id: Relationship,
    person: Person,
    goals: Annotated[
        Path | None, typer.Option(help="JSON file: a list of goals for the other direction.")
    ] = None,
    action_id: ActionId = None,
) -> None:
    """Propose that learning go both ways; your partner consents or declines."""
    data = {"goals": _json_file(goals)} if goals is not None else {}
    _run(relationship_id, person, "propose-mutual", data, action_id)


@participant_app.command()
def amend(
    relationship_id: Relationship,
    person: Person,
    terms: Annotated[Path, typer.Option(help="JSON file with the amended contract's terms.")],
    action_id: ActionId = None,
) -> None:
    """Propose an amended contract; your partner signs it, or the current one stands."""
    _run(relationship_id, person, "amend", {"terms": _json_file(terms)}, action_id)


@participant_app.command("move-meeting")
def move_meeting(
    relationship_id: Relationship,
    person: Person,
    to: Annotated[datetime, typer.Option(help="The new start (ISO time, UTC if no zone given).")],
    action_id: ActionId = None,
) -> None:
    """Move the next meeting; your partner confirms, or the agreed time stands."""
    _run(relationship_id, person, "move-meeting", {"to": _aware(to).isoformat()}, action_id)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        errors.print(f"[red]invalid {path}:[/red] not a readable JSON file: {error}")
        raise typer.Exit(ExitCode.INVALID) from None
