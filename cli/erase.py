"""`twoway erase --person ID`: the right to erasure, from the command line.

Exit codes (``cli.runtime.ExitCode``): 0 erased (or already erased), 1 a relationship did not end
in time (nothing deleted; run it again), 2 unknown person or no database.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer

from cli.runtime import ExitCode, cli_runtime, command_settings, console, fail
from delivery.mailsink import MailStore
from services.erasure import (
    DEFAULT_END_WITHIN,
    ErasureReport,
    RelationshipNotEndedError,
    UnknownPersonError,
    erase_person,
)
from twoway.bootstrap import DatabaseNotConfiguredError
from twoway.settings import Settings


def erase_command(
    person: Annotated[str, typer.Option("--person", help="Employee id of the person to erase.")],
    wait_seconds: Annotated[
        float,
        typer.Option(min=1, help="How long to wait for each running relationship to end."),
    ] = DEFAULT_END_WITHIN.total_seconds(),
) -> None:
    """Erase a person's personal data: end their relationships, delete their rows and mail."""
    settings = command_settings()
    try:
        report = asyncio.run(_erase(settings, person, timedelta(seconds=wait_seconds)))
    except DatabaseNotConfiguredError as error:
        raise fail("twoway erase:", str(error), ExitCode.INVALID) from None
    except UnknownPersonError:
        raise fail(
            "twoway erase:", f"no person {person!r} is known here", ExitCode.INVALID
        ) from None
    except RelationshipNotEndedError as error:
        raise fail(
            "twoway erase:",
            f"relationship {error} did not end within {wait_seconds:g}s;"
            " nothing was deleted yet, run the command again",
            ExitCode.UNAVAILABLE,
        ) from None
    _print_summary(person, report)


async def _erase(settings: Settings, person: str, within: timedelta) -> ErasureReport:
    async with cli_runtime(settings, pool_max_size=1) as runtime:
        pool = await runtime.pool()
        async with pool.acquire() as conn:
            return await erase_person(
                conn,
                await runtime.client(),
                MailStore(settings.mail_dir),
                person,
                end_within=within,
            )


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
