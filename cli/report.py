"""`twoway report`: a programme's figures as an offline HTML page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from cli.runtime import cli_runtime, console
from reporting.programme_page import programme_report_html


def report_command(
    programme: Annotated[str, typer.Option(help="Programme id.")],
    html: Annotated[Path, typer.Option(help="Where to write the HTML page.")] = Path(
        "programme-report.html"
    ),
    min_group_size: Annotated[
        int, typer.Option(min=1, help="Groups smaller than this are withheld.")
    ] = 5,
) -> None:
    """Write the programme report (phase funnel, health over time, satisfaction, ...)."""
    page = asyncio.run(_render(programme, min_group_size))
    html.write_text(page)
    console.print(f"wrote {html}")


async def _render(programme: str, min_group_size: int) -> str:
    async with cli_runtime() as runtime:
        pool = await runtime.pool()
        async with pool.acquire() as conn:
            return await programme_report_html(conn, programme, min_group_size)
