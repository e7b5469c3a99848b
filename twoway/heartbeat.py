"""A file whose modification time says that a long-running process still does its work.

A container's health check cannot ask a worker or a dispatcher anything: they serve no port.
Each touches its heartbeat file after every round that reached what it depends on (Temporal for
the worker, PostgreSQL for the dispatcher); `twoway healthcheck --file F --max-age S` is healthy
while the file is younger than S seconds. A process whose event loop hangs, or that cannot
reach its service, stops touching the file and is reported unhealthy.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from twoway.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    path: Path

    def beat(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()

    def age_seconds(self, now: float | None = None) -> float | None:
        """Seconds since the last beat, or None when there has been none."""
        try:
            modified = self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        return (time.time() if now is None else now) - modified


def heartbeat_at(path: Path | None) -> Heartbeat | None:
    return Heartbeat(path) if path is not None else None


async def beat_while_reachable(
    heartbeat: Heartbeat, interval_seconds: float, reach: Callable[[], Awaitable[object]]
) -> None:
    """Beat every interval in which `reach` (a health call to the service) succeeded."""
    while True:
        try:
            await reach()
        except Exception as error:  # any failure to reach it means: not healthy this round
            log.warning("heartbeat_skipped", error=type(error).__name__)
        else:
            heartbeat.beat()
        await asyncio.sleep(interval_seconds)
