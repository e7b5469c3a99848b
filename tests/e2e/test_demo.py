"""`twoway demo` keeps its promise: within five minutes, every kind of story is on screen."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import asyncpg
import pytest

from tests.e2e.test_local_stack import (
    READY_TIMEOUT,
    STOP_TIMEOUT,
    TWOWAY,
    stack_env,
    start_in_background,
    wait_for_line,
)

PROMISED_WITHIN = 5 * 60 + 60  # five minutes, plus a minute for a loaded machine
# Its own bounds: the stack and the programme set up, the promise, then the stop.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(READY_TIMEOUT + 120 + PROMISED_WITHIN + STOP_TIMEOUT + 60),
]


async def seen_so_far(database_url: str, seen: dict[str, bool]) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT phase, mode, escalation_open FROM relationships"
            " WHERE programme_id LIKE 'demo-%'"
        )
        escalations = await connection.fetchval("SELECT count(*) FROM escalations")
    finally:
        await connection.close()
    seen["completed"] |= any(row["phase"] == "completed" for row in rows)
    seen["mutual"] |= any(row["mode"] == "mutual" for row in rows)
    seen["declined"] |= any(row["phase"] == "declined" for row in rows)
    seen["escalation"] |= escalations > 0
    seen["active"] |= any(row["phase"] == "active" for row in rows)


def test_demo_shows_an_escalation_a_mutual_pair_and_completions_within_five_minutes(
    tmp_path: Path,
) -> None:
    env = stack_env(tmp_path / "home")
    output = tmp_path / "demo.log"
    demo = start_in_background([TWOWAY, "demo"], env, output)
    began = time.monotonic()
    try:
        guide_line = wait_for_line(demo, output, "Within five minutes", READY_TIMEOUT + 120)
        text = output.read_text(errors="replace")
        assert guide_line is not None, text
        assert "twoway ready" in text
        assert "MentoringProgramme" in text, text
        state = json.loads((tmp_path / "home" / "run" / "stack.json").read_text())
        seen = dict.fromkeys(("completed", "mutual", "declined", "escalation", "active"), False)
        while time.monotonic() - began < PROMISED_WITHIN and not all(seen.values()):
            asyncio.run(seen_so_far(state["database_url"], seen))
            time.sleep(5)
        assert all(seen.values()), seen
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=STOP_TIMEOUT)
