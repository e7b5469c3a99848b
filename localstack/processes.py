"""Child processes of the local stack: started in their own process group, stopped for sure."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ReadinessCheck = Callable[[], Awaitable[bool]]
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the supervisor dies, even by SIGKILL.

    The children run in their own sessions (so a terminal's Ctrl-C reaches only the supervisor,
    which stops them in order); without this, a killed supervisor would leave them running.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ComponentFailedError(RuntimeError):
    pass


# Enough of a log's end to hold the lines that say why a component stopped (a port taken, a bad
# setting), so `twoway up` can print the reason where the person starting it reads.
_TAIL_BYTES = 8192
_REASON_LIMIT = 300


def stop_reason(log_file: Path) -> str:
    """The last error a component logged (its JSON `event`, or a plain line naming an error),
    else its last line; a placeholder when the log is empty or missing."""
    try:
        with log_file.open("rb") as log:
            log.seek(max(0, log_file.stat().st_size - _TAIL_BYTES))
            tail = log.read().decode(errors="replace")
    except OSError:
        return "no log"
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    if not lines:
        return "empty log"
    errors = [reason for reason in map(_error_in, lines) if reason is not None]
    return (errors[-1] if errors else lines[-1])[:_REASON_LIMIT]


def _error_in(line: str) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return line if "error" in line.lower() else None
    if isinstance(record, dict) and record.get("level") in ("error", "critical"):
        return str(record.get("event", line))
    return None


@dataclass
class ManagedProcess:
    name: str
    argv: Sequence[str]
    log_file: Path
    env: Mapping[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            # A new session keeps a terminal's Ctrl-C away from the children: the supervisor
            # decides the order in which they stop.
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env={**os.environ, **self.env},
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def has_exited(self) -> bool:
        return self.process is None or self.process.returncode is not None

    async def wait_ready(self, check: ReadinessCheck, within_seconds: float) -> None:
        """Poll `check` until it passes; fail early if the process dies meanwhile."""
        deadline = asyncio.get_running_loop().time() + within_seconds
        while asyncio.get_running_loop().time() < deadline:
            if self.has_exited():
                raise ComponentFailedError(
                    f"{self.name} exited during start ({stop_reason(self.log_file)}); "
                    f"see {self.log_file}"
                )
            if await check():
                return
            await asyncio.sleep(0.2)
        raise ComponentFailedError(
            f"{self.name} did not become ready in {within_seconds:.0f}s; see {self.log_file}"
        )

    async def stop(self, grace: float = 15.0) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            self._signal_group(signal.SIGKILL)
            await self.process.wait()
        # Reap anything the child left in its group.
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
