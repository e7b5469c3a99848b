"""`twoway pair ...`: start a relationship and look at one."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from temporalio.client import WorkflowExecutionStatus

from cli.runtime import ExitCode, cli_runtime, console, errors
from services.pairs import (
    PairRequest,
    RelationshipHandle,
    relationship_handle,
    start_relationship,
)
from store.database import Pool
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import PromptsQuery

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
    asyncio.run(_show(relationship_id))


async def _show(relationship_id: str) -> None:
    async with cli_runtime() as runtime:
        handle = relationship_handle(await runtime.client(), relationship_id)
        await _print_relationship(handle, relationship_id)


async def _print_relationship(handle: RelationshipHandle, relationship_id: str) -> None:
    description = await handle.describe()
    running = description.status == WorkflowExecutionStatus.RUNNING
    state = await handle.query(RelationshipWorkflow.state)
    prompts = await handle.query(RelationshipWorkflow.pending_prompts, PromptsQuery())
    status_name = description.status.name.lower() if description.status else "unknown"
    console.print(f"[bold]{relationship_id}[/bold]  workflow {status_name}")
    console.print(
        f"phase {state.phase.value}  mode {state.mode.value}  health {state.health.level.value}"
    )
    if running and prompts:
        table = Table("prompt", "for", "due")
        for prompt in prompts:
            table.add_row(prompt.prompt_id, prompt.recipient_id, prompt.due_at.isoformat())
        console.print(table)
