"""The programme report page: every chart for a programme large enough, nothing for a small one."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

from reporting.programme_page import programme_report_html
from store.database import Pool
from tests.projections.builders import NamedPair, record

TWOWAY = str(Path(sys.executable).parent / "twoway")


async def completed_pairs(pool: Pool, programme_id: str, count: int) -> None:
    for n in range(1, count + 1):
        pair = NamedPair(n, programme_id)
        pair.run_to_completion(achieved=1)
        await record(pool, pair.relationship_id, pair.events, 1)


async def test_report_of_a_programme_shows_every_chart_offline(pg_pool: Pool) -> None:
    await completed_pairs(pg_pool, "prog-report", 6)
    async with pg_pool.acquire() as conn:
        page = await programme_report_html(conn, "prog-report", min_group_size=5)

    for title in (
        "Pairs by phase",
        "Health over time",
        "Satisfaction and psychological safety",
        "Meetings, goals, mutual evolution and completion",
        "Escalations",
        "How relationships ended",
    ):
        assert title in page
    assert page.count("<svg") == 6
    assert "<script" not in page
    assert not re.search(r"(src|href)=[\"']https?://", page)


async def test_report_of_a_small_programme_withholds_every_figure(pg_pool: Pool) -> None:
    await completed_pairs(pg_pool, "prog-tiny", 3)
    async with pg_pool.acquire() as conn:
        page = await programme_report_html(conn, "prog-tiny", min_group_size=5)
    assert "figures are withheld" in page
    assert "<svg" not in page


async def test_report_command_writes_the_page(
    pg_pool: Pool, database_url: str, tmp_path: Path
) -> None:
    await completed_pairs(pg_pool, "prog-cli", 5)
    out = tmp_path / "report.html"
    done = await asyncio.to_thread(
        subprocess.run,
        [TWOWAY, "report", "--programme", "prog-cli", "--html", str(out)],
        env={"TWOWAY_DATABASE_URL": database_url, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Pairs by phase" in out.read_text()
