"""`twoway organisation ...`: what an organisation is called in its people's mail."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated

import typer

from cli.runtime import ExitCode, cli_runtime, console, fail
from store.organisations import set_organisation_name

organisation_app = typer.Typer(help="Organisations and their names.", no_args_is_help=True)

# The organisation ids API keys carry (TWOWAY_API_KEY_HASHES).
_ORGANISATION_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


@organisation_app.command("name")
def name(
    organisation: Annotated[str, typer.Argument(help="The organisation's id, e.g. acme.")],
    display_name: Annotated[str, typer.Argument(help="Its name as its people read it.")],
) -> None:
    """Give an organisation the name its people's mail carries (or change it)."""
    shown = display_name.strip()
    if not _ORGANISATION_ID.match(organisation):
        raise fail("twoway organisation name:", "not an organisation id", ExitCode.INVALID)
    if not 1 <= len(shown) <= 120:
        raise fail("twoway organisation name:", "a name has 1-120 characters", ExitCode.INVALID)
    asyncio.run(_name(organisation, shown))
    console.print(f"{organisation} is now named {shown!r}")


async def _name(organisation: str, display_name: str) -> None:
    async with cli_runtime(pool_max_size=1) as runtime:
        pool = await runtime.pool()
        async with pool.acquire() as conn:
            await set_organisation_name(conn, organisation, display_name)
