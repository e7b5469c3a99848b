"""`twoway healthcheck`: healthy only while the process's heartbeat file is fresh."""

from __future__ import annotations

import os
import time
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from twoway.heartbeat import Heartbeat


def healthcheck(path: Path) -> int:
    result = CliRunner().invoke(app, ["healthcheck", "--file", str(path), "--max-age", "60"])
    return result.exit_code


def test_no_heartbeat_yet_is_unhealthy(tmp_path: Path) -> None:
    assert healthcheck(tmp_path / "worker.alive") == 1


def test_a_fresh_heartbeat_is_healthy(tmp_path: Path) -> None:
    heartbeat = Heartbeat(tmp_path / "run" / "worker.alive")
    heartbeat.beat()
    assert healthcheck(heartbeat.path) == 0


def test_a_heartbeat_older_than_the_limit_is_unhealthy(tmp_path: Path) -> None:
    heartbeat = Heartbeat(tmp_path / "worker.alive")
    heartbeat.beat()
    two_minutes_ago = time.time() - 120
    os.utime(heartbeat.path, (two_minutes_ago, two_minutes_ago))
    assert healthcheck(heartbeat.path) == 1
