"""`twoway up` as a user runs it: ready line, status, restart with data kept, clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from localstack.ports import free_port

TWOWAY = str(Path(sys.executable).parent / "twoway")
READY_TIMEOUT = 180.0
STOP_TIMEOUT = 60.0
# The longest test starts the stack twice and stops it twice, plus its own 60 s waits.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(2 * (READY_TIMEOUT + STOP_TIMEOUT) + 2 * 60 + 60),
]


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    ready_line: str
    env: dict[str, str]
    output: Path


PORT_SETTINGS = ("TWOWAY_TEMPORAL_PORT", "TWOWAY_UI_PORT", "TWOWAY_WEB_PORT", "TWOWAY_SMTP_PORT")
# A port found free can be taken by another process before the stack binds it; the stack then
# stops at once, naming the setting or the component's bind error ("address already in use"),
# and the test picks new ports.
PORT_ATTEMPTS = 3


def stack_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    env["TWOWAY_HOME"] = str(home)
    choose_ports(env)
    return env


def choose_ports(env: dict[str, str]) -> None:
    env.update({setting: str(free_port()) for setting in PORT_SETTINGS})


def start_in_background(
    args: list[str], env: dict[str, str], output: Path
) -> subprocess.Popen[bytes]:
    """The command with its output in a file: a pipe nobody reads after the ready line would
    fill up and block the child."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as sink:
        return subprocess.Popen(args, env=env, stdout=sink, stderr=subprocess.STDOUT)


def wait_for_line(
    process: subprocess.Popen[bytes], output: Path, prefix: str, within: float
) -> str | None:
    """The first output line starting with `prefix`, or None if the process ended or time ran
    out first."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for line in output.read_text(errors="replace").splitlines(keepends=True):
            if line.startswith(prefix):
                return line
        if process.poll() is not None:
            return None
        time.sleep(0.2)  # polling a file: there is nothing to block on
    return None


def start_stack(env: dict[str, str]) -> RunningStack:
    """`twoway up` with `env` until its ready line; new ports (written into `env`) when one was
    taken between choosing and binding it."""
    output = Path(env["TWOWAY_HOME"]).parent / "up.log"
    for _attempt in range(PORT_ATTEMPTS):
        process = start_in_background([TWOWAY, "up"], env, output)
        line = wait_for_line(process, output, "twoway ready", READY_TIMEOUT)
        if line is not None:
            return RunningStack(process, line, env, output)
        # SIGINT, not SIGKILL: the supervisor then stops what it had started.
        process.send_signal(signal.SIGINT)
        process.wait(timeout=STOP_TIMEOUT)
        if "already in use" not in output.read_text(errors="replace"):
            break
        choose_ports(env)
    raise AssertionError("stack never became ready:\n" + output.read_text(errors="replace"))


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def stop_stack(stack: RunningStack) -> list[psutil.Process]:
    """SIGINT like Ctrl-C; return every process that was part of the stack."""
    family = descendants(stack.process.pid)
    stack.process.send_signal(signal.SIGINT)
    stack.process.wait(timeout=STOP_TIMEOUT)
    return family


def postgres_processes(home: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and any(str(home) in part for part in cmdline):
            found.append(process)
    return found


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TWOWAY, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    running = start_stack(stack_env(tmp_path / "home"))
    yield running
    if running.process.poll() is None:
        stop_stack(running)


def test_stack_keeps_a_running_relationship_across_restart_and_leaves_no_process(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    env = stack_env(home)
    first = start_stack(env)
    assert f"temporal=127.0.0.1:{env['TWOWAY_TEMPORAL_PORT']}" in first.ready_line
    assert run_cli(env, "status").returncode == 0

    started = run_cli(
        env, "pair", "start", "--programme", "e2e", "--mentor", "emp-1", "--mentee", "emp-2"
    )
    assert started.returncode == 0, started.stdout + started.stderr
    workflow_id = started.stdout.strip().splitlines()[-1]

    family = stop_stack(first)
    assert first.process.returncode == 0
    assert family, "the stack started no child process"
    assert not [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not postgres_processes(home)
    assert run_cli(env, "status").returncode != 0

    second = start_stack(env)
    try:
        shown = run_cli(env, "pair", "show", workflow_id)
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert "running" in shown.stdout
        assert "proposed" in shown.stdout
    finally:
        stop_stack(second)


def test_second_stack_on_the_same_home_fails_at_once_naming_the_lock(
    stack: RunningStack,
) -> None:
    second = subprocess.run(
        [TWOWAY, "up"], env=stack.env, capture_output=True, text=True, timeout=30, check=False
    )
    assert second.returncode == 2
    assert "twoway.lock" in second.stderr
    assert "TWOWAY_HOME" in second.stderr


def test_taken_port_fails_at_once_naming_the_setting(tmp_path: Path, stack: RunningStack) -> None:
    env = stack_env(tmp_path / "other-home")
    env["TWOWAY_TEMPORAL_PORT"] = stack.env["TWOWAY_TEMPORAL_PORT"]
    second = subprocess.run(
        [TWOWAY, "up"], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert second.returncode == 2
    assert "TWOWAY_TEMPORAL_PORT" in second.stderr
    assert env["TWOWAY_TEMPORAL_PORT"] in second.stderr


def worker_pid(home: Path) -> int:
    state = json.loads((home / "run" / "stack.json").read_text())
    pid: int = state["child_pids"]["worker"]
    return pid


def test_a_killed_worker_is_restarted_and_the_relationship_goes_on(
    tmp_path: Path, stack: RunningStack
) -> None:
    home = Path(stack.env["TWOWAY_HOME"])
    started = run_cli(
        stack.env, "pair", "start", "--programme", "e2e", "--mentor", "emp-3", "--mentee", "emp-4"
    )
    assert started.returncode == 0, started.stderr
    workflow_id = started.stdout.strip().splitlines()[-1]
    killed = worker_pid(home)
    os.kill(killed, signal.SIGKILL)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker_pid(home) != killed and run_cli(stack.env, "status").returncode == 0:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the worker was not restarted within 60 s")
    # The server remembers the dead worker's poller for a while, so status may say "up" a
    # moment before the new worker polls: ask until the relationship answers, with a bound.
    while time.monotonic() < deadline:
        shown = run_cli(stack.env, "pair", "show", workflow_id)
        if shown.returncode == 0:
            break
        time.sleep(0.5)
    assert shown.returncode == 0, shown.stderr
    assert "consent:mentor" in shown.stdout
