"""`twoway prompts --person ID` and `twoway answer`: the inbox, on the command line.

Exit codes (``cli.runtime.ExitCode``): 0 done, 1 a service (Temporal, PostgreSQL) is unreachable,
2 the input is invalid (the field is named on stderr), 3 the relationship refused the answer.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from cli.runtime import ExitCode, cli_runtime, console, errors
from projections.queries import pending_prompts_for
from services.answers import answer_prompt
from services.errors import InvalidRequestError, RefusedError
from workflows.relationship_io import AnswerReceipt


def prompts(
    person: Annotated[str, typer.Option(help="Employee id whose open prompts to list.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array on stdout.")] = False,
) -> None:
    """Open prompts of one person across all their relationships, soonest deadline first."""
    try:
        rows = asyncio.run(_pending(person))
    except (OSError, RuntimeError) as error:
        errors.print(f"[red]cannot read prompts:[/red] {error}")
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("relationship", "prompt", "kind", "due (UTC)")
    for row in rows:
        table.add_row(row["relationship_id"], row["prompt_id"], row["kind"], row["due_at"][:16])
    console.print(table)
    if not rows:
        console.print(f"nothing is waiting for {person}")


async def _pending(person: str) -> list[dict[str, str]]:
    async with cli_runtime(pool_max_size=1) as runtime:
        pool = await runtime.pool()
        async with pool.acquire() as conn:
            found = await pending_prompts_for(conn, person)
    return [
        {
            "relationship_id": row.relationship_id,
            "prompt_id": row.prompt_id,
            "kind": row.kind,
            "due_at": row.due_at.isoformat(),
        }
        for row in found
    ]


def _nest(assignments: list[str]) -> dict[str, Any]:
    """`terms.focus_area=AI` style options into nested data; values are JSON when they parse."""
    data: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        if not sep or not key:
            raise InvalidRequestError([(assignment, "expected key=value")])
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        target = data
        *parents, leaf = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                raise InvalidRequestError([(key, "mixes a value and nested fields")])
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
            raise InvalidRequestError([(str(file), f"not a readable JSON file: {error}")]) from None
        if not isinstance(loaded, dict):
            raise InvalidRequestError([(str(file), "must hold a JSON object")])
        data.update(loaded)
    data.update(_nest(assignments))
    # PostgreSQL cannot store NUL in text: an answer holding one would never be recorded.
    if _has_nul(data):
        raise InvalidRequestError([("answer", "must not contain NUL characters")])
    return data


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
    chosen_id = answer_id or f"cli-{uuid.uuid4().hex}"
    try:
        data = _answer_data(file, set_ or [])
        receipt = asyncio.run(_answer(relationship_id, prompt_id, person, data, chosen_id))
    except InvalidRequestError as invalid:
        for where, message in invalid.problems:
            errors.print(f"[red]invalid {where}:[/red] {message}", highlight=False)
        raise typer.Exit(ExitCode.INVALID) from None
    except RefusedError as refused:
        errors.print(f"[red]refused ({refused.code}):[/red] {refused.message}", highlight=False)
        raise typer.Exit(ExitCode.REFUSED) from None
    except (RPCError, OSError, RuntimeError) as error:
        errors.print(f"[red]cannot reach the relationship:[/red] {error}")
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        errors.print(
            "[red]not confirmed:[/red] the service is very busy; run the same command again"
            f" with --answer-id {chosen_id} (it applies once)",
            highlight=False,
        )
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    note = " (already recorded)" if receipt.duplicate else ""
    console.print(f"answered {receipt.prompt_id}{note}; phase now {receipt.phase}")


async def _answer(
    relationship_id: str, prompt_id: str, person: str, data: dict[str, Any], answer_id: str
) -> AnswerReceipt:
    async with cli_runtime() as runtime:
        return await answer_prompt(
            await runtime.client(), relationship_id, prompt_id, person, data, answer_id
        )
