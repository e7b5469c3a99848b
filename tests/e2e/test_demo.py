"""`twoway demo` keeps its promise: within five minutes, every kind of story is on screen."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from pathlib import Path

import asyncpg
import pytest

from tests.e2e.test_local_stack import TWOWAY, stack_env

pytestmark = pytest.mark.e2e

PROMISED_WITHIN = 5 * 60 + 60  # five minutes, plus a minute for a loaded machine


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
    demo = subprocess.Popen(
        [TWOWAY, "demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert demo.stdout is not None
    began = time.monotonic()
    try:
        guide = []
        for line in demo.stdout:
            guide.append(line)
            if line.startswith("Within five minutes"):
                break
        text = "".join(guide)
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
        demo.wait(timeout=60)
