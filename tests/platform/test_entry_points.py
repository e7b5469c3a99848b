"""The production entry points as a container runs them: `twoway migrate`, `worker`, `web`,
`dispatch`, each a real process, finding PostgreSQL through TWOWAY_DATABASE_URL only."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from localstack.stack_state import StackState, write_stack_state
from twoway.settings import Settings


async def twoway(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def environment(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    env.update(TWOWAY_HOME=str(home), TWOWAY_LOG_LEVEL="WARNING", COLUMNS="200")
    env.update({f"TWOWAY_{name.upper()}": value for name, value in settings.items()})
    return env


async def test_migrate_applies_every_migration_once_then_exits_0(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = environment(tmp_path, database_url=empty_database_url)

    first = await twoway(env, "migrate")
    again = await twoway(env, "migrate")

    assert first.returncode == 0, first.stderr
    assert "applied 0 migration(s)" not in first.stdout
    assert again.returncode == 0, again.stderr
    assert "applied 0 migration(s): none pending" in again.stdout


@pytest.mark.parametrize("process", ["worker", "web", "dispatch", "migrate"])
async def test_a_production_process_ignores_the_local_stacks_database(
    process: str, database_url: str, tmp_path: Path
) -> None:
    # A local stack published its database; a production process must still not use it.
    write_stack_state(
        Settings(home=tmp_path),
        StackState(
            supervisor_pid=os.getpid(),
            temporal_address="127.0.0.1:1",
            ui_url=None,
            database_url=database_url,
            namespace="default",
            task_queue="unused",
            child_pids={},
        ),
    )

    done = await twoway(environment(tmp_path), process)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "TWOWAY_DATABASE_URL" in done.stderr
