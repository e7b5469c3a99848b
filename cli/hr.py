"""`twoway hr ...`: HR events from the command line, as an HR system sends them to the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from cli.runtime import ExitCode, cli_runtime, console, fail
from services.hr_events import employee_left
from store.organisations import DEFAULT_ORGANISATION, organisations_of

hr_app = typer.Typer(help="HR events: an employee who left.", no_args_is_help=True)


@hr_app.command("left")
def left(
    person: Annotated[str, typer.Argument(help="Employee id of the person who left.")],
    on: Annotated[
        str | None, typer.Option(help="The day they left, YYYY-MM-DD (default: today, UTC).")
    ] = None,
) -> None:
    """Record that an employee left the organisation and end their open pairs.

    Recorded with or without a pair: the programmes' retention figures compare enrolled people
    with the rest of the roster.
    """
    try:
        left_on = date.fromisoformat(on) if on else datetime.now(UTC).date()
    except ValueError:
        raise fail("twoway hr left:", f"not a date (YYYY-MM-DD): {on}", ExitCode.INVALID) from None
    told = asyncio.run(_left(person, left_on))
    console.print(f"recorded as left on {left_on.isoformat()}; relationships told: {len(told)}")
    for relationship_id in told:
        print(relationship_id)


async def _left(person_id: str, left_on: date) -> list[str]:
    async with cli_runtime() as runtime:
        pool = await runtime.pool()
        async with pool.acquire() as conn:
            known = await organisations_of(conn, [person_id])
        organisation = known.get(person_id, DEFAULT_ORGANISATION)
        return await employee_left(pool, await runtime.client(), person_id, organisation, left_on)
