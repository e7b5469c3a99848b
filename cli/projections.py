"""`twoway projections ...`: rebuild the read models from the event store, print reports."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.runtime import ExitCode, cli_runtime, command_settings, console, fail
from projections.rebuild import DEFAULT_BATCH_SIZE, RebuildResult, rebuild_read_models
from projections.reports import DEFAULT_MIN_GROUP_SIZE, programme_report
from store.database import Connection
from store.personal_data import Sealer
from twoway.bootstrap import DatabaseNotConfiguredError
from twoway.converter import sealer_from_settings

projections_app = typer.Typer(
    help="Read models projected from the event store.", no_args_is_help=True
)


@contextlib.asynccontextmanager
async def _connection() -> AsyncIterator[Connection]:
    async with cli_runtime(command_settings(), pool_max_size=1) as runtime:
        try:
            pool = await runtime.pool()
        except DatabaseNotConfiguredError as error:
            raise fail("twoway projections:", str(error), ExitCode.INVALID) from None
        async with pool.acquire() as conn:
            yield conn


@projections_app.command("rebuild")
def rebuild(
    batch_size: Annotated[
        int, typer.Option(min=1, help="Streams read and written per batch.")
    ] = DEFAULT_BATCH_SIZE,
) -> None:
    """Empty every read table and rebuild it from the events, in one transaction."""
    # The deployment key unseals personal values; an erased person's stay unreadable.
    sealer = sealer_from_settings(command_settings())
    result = asyncio.run(_rebuild(batch_size, sealer))
    console.print(
        f"rebuilt {result.projected} relationship(s) from {result.events} event(s)"
        + (f"; skipped {result.skipped} stream(s) without a proposal" if result.skipped else "")
        + (
            f"; kept {result.erased_scrubbed} erased person(s) out"
            if result.erased_scrubbed
            else ""
        )
        + (
            f"; sealed the personal values of {result.events_sealed} older event(s)"
            if result.events_sealed
            else ""
        )
        + (
            f"; sealed the words kept by {result.notices_sealed} older outbox notice(s)"
            if result.notices_sealed
            else ""
        )
    )


async def _rebuild(batch_size: int, sealer: Sealer) -> RebuildResult:
    columns = (
        TextColumn("rebuilding read models"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("streams"),
        TimeElapsedColumn(),
    )
    async with _connection() as conn:
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("rebuild", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return await rebuild_read_models(
                conn, batch_size=batch_size, progress=advance, sealer=sealer
            )


@projections_app.command("report")
def report(
    programme_id: Annotated[str, typer.Argument(help="The programme to report on.")],
    min_group_size: Annotated[
        int, typer.Option(min=1, help="Groups smaller than this are suppressed.")
    ] = DEFAULT_MIN_GROUP_SIZE,
) -> None:
    """Print the programme report as JSON (small groups suppressed)."""
    text = asyncio.run(_report(programme_id, min_group_size))
    console.print_json(text)


async def _report(programme_id: str, min_group_size: int) -> str:
    async with _connection() as conn:
        result = await programme_report(conn, programme_id, min_group_size)
    return result.model_dump_json()
