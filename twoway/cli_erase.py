"""`twoway erase --person ID`: the right to erasure, from the command line.

Exit codes: 0 erased (or already erased), 1 a relationship did not end in time (nothing deleted;
run it again), 2 unknown person or no database.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

from delivery.mailsink import MailStore
from store.database import connect
from twoway.erase import (
    DEFAULT_END_WITHIN,
    ErasureReport,
    RelationshipNotEndedError,
    UnknownPersonError,
    erase_person,
)
from twoway.logging import configure_logging
from twoway.settings import Settings, load_settings
from twoway.stack_state import resolve_database_url
from twoway.temporal_client import connect_client

console = Console()
errors = Console(stderr=True)

EXIT_NOT_ENDED = 1
EXIT_UNKNOWN = 2


def erase_command(
    person: Annotated[str, typer.Option("--person", help="Employee id of the person to erase.")],
    wait_seconds: Annotated[
        float,
        typer.Option(min=1, help="How long to wait for each running relationship to end."),
    ] = DEFAULT_END_WITHIN.total_seconds(),
) -> None:
    """Erase a person's personal data: end their relationships, delete their rows and mail."""
    settings = load_settings()
    configure_logging(settings.log_level)
    try:
        database_url = resolve_database_url(settings)
    except RuntimeError as error:
        errors.print(f"[red]twoway erase:[/red] {error}")
        raise typer.Exit(EXIT_UNKNOWN) from None
    try:
        report = asyncio.run(
            _erase(settings, database_url, person, timedelta(seconds=wait_seconds))
        )
    except UnknownPersonError:
        errors.print(f"[red]twoway erase:[/red] no person {person!r} is known here")
        raise typer.Exit(EXIT_UNKNOWN) from None
    except RelationshipNotEndedError as error:
        errors.print(
            f"[red]twoway erase:[/red] relationship {error} did not end within {wait_seconds:g}s;"
            " nothing was deleted yet, run the command again"
        )
        raise typer.Exit(EXIT_NOT_ENDED) from None
    _print_summary(person, report)


async def _erase(
    settings: Settings, database_url: str, person: str, within: timedelta
) -> ErasureReport:
    client = await connect_client(settings)
    conn = await connect(database_url)
    try:
        return await erase_person(
            conn, client, MailStore(settings.mail_dir), person, end_within=within
        )
    finally:
        await conn.close()


def _print_summary(person: str, report: ErasureReport) -> None:
    if report.already_erased:
        console.print(f"{person}: already erased, nothing left to remove")
        return
    console.print(f"{person}: erased")
    console.print(
        f"  relationships ended: {len(report.relationships_ended)}"
        f" (already closed: {report.relationships_already_closed})"
    )
    for table, count in sorted(report.rows.items()):
        console.print(f"  {table}: {count}")
    console.print(f"  mails deleted: {report.mails_deleted}")
