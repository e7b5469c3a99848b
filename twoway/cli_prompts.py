"""`twoway prompts --person ID` and `twoway answer`: the inbox, on the command line.

Exit codes scripts can rely on: 0 done, 1 a service (Temporal, PostgreSQL) is unreachable,
2 the input is invalid (the field is named on stderr), 3 the relationship refused the answer.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import AnswerPrompt
from domain.prompts import Prompt
from projections.queries import pending_prompts_for
from starter import relationship_handle
from store.database import create_pool
from twoway.answering import apply_answer
from twoway.settings import Settings, load_settings
from twoway.stack_state import resolve_database_url
from twoway.temporal_client import connect_client
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import AnswerReceipt

EXIT_UNAVAILABLE = 1
EXIT_INVALID = 2
EXIT_REFUSED = 3

console = Console()
errors = Console(stderr=True)


def prompts(
    person: Annotated[str, typer.Option(help="Employee id whose open prompts to list.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array on stdout.")] = False,
) -> None:
    """Open prompts of one person across all their relationships, soonest deadline first."""
    settings = load_settings()
    try:
        rows = asyncio.run(_pending(settings, person))
    except (OSError, RuntimeError) as error:
        errors.print(f"[red]cannot read prompts:[/red] {error}")
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("relationship", "prompt", "kind", "due (UTC)")
    for row in rows:
        table.add_row(row["relationship_id"], row["prompt_id"], row["kind"], row["due_at"][:16])
    console.print(table)
    if not rows:
        console.print(f"nothing is waiting for {person}")


async def _pending(settings: Settings, person: str) -> list[dict[str, str]]:
    pool = await create_pool(resolve_database_url(settings), min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            found = await pending_prompts_for(conn, person)
    finally:
        await pool.close()
    return [
        {
            "relationship_id": row.relationship_id,
            "prompt_id": row.prompt_id,
            "kind": row.kind,
            "due_at": row.due_at.isoformat(),
        }
        for row in found
    ]


class _InvalidAnswerError(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("invalid answer")
        self.problems = problems


def _nest(assignments: list[str]) -> dict[str, Any]:
    """`terms.focus_area=AI` style options into nested data; values are JSON when they parse."""
    data: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        if not sep or not key:
            raise _InvalidAnswerError([(assignment, "expected key=value")])
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        target = data
        *parents, leaf = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                raise _InvalidAnswerError([(key, "mixes a value and nested fields")])
        target[leaf] = value
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _answer_data(file: Path | None, assignments: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if file is not None:
        try:
            loaded = json.loads(file.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise _InvalidAnswerError([(str(file), f"not a readable JSON file: {error}")]) from None
        if not isinstance(loaded, dict):
            raise _InvalidAnswerError([(str(file), "must hold a JSON object")])
        data.update(loaded)
    data.update(_nest(assignments))
    # PostgreSQL cannot store NUL in text: an answer holding one would never be recorded.
    if _has_nul(data):
        raise _InvalidAnswerError([("answer", "must not contain NUL characters")])
    return data


def _command(prompt: Prompt, person: str, data: dict[str, Any], answer_id: str) -> AnswerPrompt:
    payload = {
        "answer_id": answer_id,
        "prompt_id": prompt.prompt_id,
        "respondent_id": person,
        "answer": {"kind": prompt.kind.value, **data},
    }
    try:
        return AnswerPrompt.model_validate(payload)
    except ValidationError as error:
        raise _InvalidAnswerError(_problems(error)) from None


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    found = []
    for item in error.errors(include_input=False, include_url=False):
        # Drop the envelope and the union tag so the path reads like the answer file.
        location = [str(part) for part in item["loc"]]
        if location[:1] == ["answer"]:
            location = location[2:]
        found.append((".".join(location) or "answer", item["msg"]))
    return found


class _RefusedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def _answer(
    settings: Settings,
    relationship_id: str,
    prompt_id: str,
    person: str,
    data: dict[str, Any],
    answer_id: str,
) -> AnswerReceipt:
    client = await connect_client(settings)
    handle = relationship_handle(client, relationship_id)
    try:
        state = await handle.query(RelationshipWorkflow.state)
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise _InvalidAnswerError([("relationship", "no relationship has this id")]) from None
        raise
    prompt = state.prompts.get(prompt_id)
    if prompt is None:
        raise _RefusedError("unknown_prompt", f"the relationship has no prompt {prompt_id!r}")
    command = _command(prompt, person, data, answer_id)
    try:
        return await apply_answer(handle, command)
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError):
            raise _RefusedError(cause.type or "refused", cause.message) from None
        raise _RefusedError("refused", "the relationship refused the answer") from None


def answer(
    relationship_id: Annotated[str, typer.Argument(help="The relationship's id.")],
    prompt_id: Annotated[str, typer.Argument(help="The prompt's id (see `twoway prompts`).")],
    person: Annotated[str, typer.Option(help="Employee id of the person answering.")],
    file: Annotated[Path | None, typer.Option(help="JSON file with the answer's fields.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A field as key=value (dotted keys nest); repeatable."),
    ] = None,
    answer_id: Annotated[
        str | None, typer.Option(help="Idempotency id: a retry with the same id applies once.")
    ] = None,
) -> None:
    """Answer one prompt; the answer's kind is taken from the prompt."""
    settings = load_settings()
    chosen_id = answer_id or f"cli-{uuid.uuid4().hex}"
    try:
        data = _answer_data(file, set_ or [])
        receipt = asyncio.run(
            _answer(settings, relationship_id, prompt_id, person, data, chosen_id)
        )
    except _InvalidAnswerError as invalid:
        for where, message in invalid.problems:
            errors.print(f"[red]invalid {where}:[/red] {message}", highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except _RefusedError as refused:
        errors.print(f"[red]refused ({refused.code}):[/red] {refused.message}", highlight=False)
        raise typer.Exit(EXIT_REFUSED) from None
    except (RPCError, OSError, RuntimeError) as error:
        errors.print(f"[red]cannot reach the relationship:[/red] {error}")
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        errors.print(
            "[red]not confirmed:[/red] the service is very busy; run the same command again"
            f" with --answer-id {chosen_id} (it applies once)",
            highlight=False,
        )
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    note = " (already recorded)" if receipt.duplicate else ""
    console.print(f"answered {receipt.prompt_id}{note}; phase now {receipt.phase}")


def register_prompt_commands(app: typer.Typer) -> None:
    """Adds `prompts` and `answer` to the `twoway` command line."""
    app.command("prompts")(prompts)
    app.command("answer")(answer)
