"""A component of the local stack that dies while starting says why, where `twoway up` prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from localstack.processes import ComponentFailedError, ManagedProcess

# What uvicorn logs, through our JSON logging, when another process took the web port first:
# the error, then the lifespan's orderly shutdown.
PORT_TAKEN_LOG = [
    {"event": "Started server process [1]", "level": "info"},
    {
        "event": "[Errno 98] error while attempting to bind on address "
        "('127.0.0.1', 8080): address already in use",
        "level": "error",
    },
    {"event": "Waiting for application shutdown.", "level": "info"},
    {"event": "Application shutdown complete.", "level": "info"},
]


async def never_ready() -> bool:
    return False


def dies_after_printing(lines: list[str]) -> list[str]:
    script = "".join(f"print({line!r})\n" for line in lines) + "raise SystemExit(1)\n"
    return [sys.executable, "-c", script]


async def test_a_component_that_dies_at_start_says_the_error_it_logged(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "web.log"
    web = ManagedProcess(
        name="web",
        argv=dies_after_printing([json.dumps(record) for record in PORT_TAKEN_LOG]),
        log_file=log_file,
    )
    await web.start()

    with pytest.raises(ComponentFailedError) as failure:
        await web.wait_ready(never_ready, within_seconds=30)

    message = str(failure.value)
    assert message.startswith("web exited during start ([Errno 98] error while attempting")
    assert "address already in use" in message
    assert message.endswith(f"see {log_file}")


async def test_a_plain_log_gives_its_last_line(tmp_path: Path) -> None:
    mailsink = ManagedProcess(
        name="mailsink",
        argv=dies_after_printing(["starting", "no mail directory configured"]),
        log_file=tmp_path / "mailsink.log",
    )
    await mailsink.start()

    with pytest.raises(ComponentFailedError, match=r"\(no mail directory configured\)"):
        await mailsink.wait_ready(never_ready, within_seconds=30)


async def test_a_component_that_dies_silently_says_its_log_is_empty(tmp_path: Path) -> None:
    silent = ManagedProcess(
        name="worker",
        argv=[sys.executable, "-c", "raise SystemExit(3)"],
        log_file=tmp_path / "worker.log",
    )
    await silent.start()

    with pytest.raises(ComponentFailedError, match=r"worker exited during start \(empty log\)"):
        await silent.wait_ready(never_ready, within_seconds=30)
