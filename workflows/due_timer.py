"""One durable timer for a relationship's next due time, kept while that time stays the same.

The run loop wakes for every answer and action. Waiting again with a fresh timeout cancelled
the timer and started an identical one each time: two history events and two timer operations
on the server per answer, although most answers leave the next due time where it was (the
partner's consent, a meeting log between reminders). This timer is replaced only when the due
time moves.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow


class DueTimer:
    def __init__(self) -> None:
        self._due: datetime | None = None
        self._sleeping: asyncio.Task[None] | None = None
        self.fired = False

    def arm(self, due: datetime | None) -> None:
        """Wake at `due` (None: never); a timer already set for that time is kept."""
        if due == self._due and (self._sleeping is not None or self.fired):
            return
        self._disarm()
        self._due = due
        if due is None:
            return
        delay = due - workflow.now()
        if delay <= timedelta(0):
            # Already due: as a zero timeout did, no timer at all.
            self.fired = True
            return
        self._sleeping = asyncio.create_task(self._sleep(delay, due))

    def take(self) -> bool:
        """Whether the due time came; the next `arm` then sets a new timer."""
        fired, self.fired = self.fired, False
        if fired:
            self._due = None
        return fired

    async def _sleep(self, delay: timedelta, due: datetime) -> None:
        await workflow.sleep(delay, summary=f"next due: {due.isoformat()}")
        self._sleeping = None
        self.fired = True

    def _disarm(self) -> None:
        if self._sleeping is not None:
            self._sleeping.cancel()  # cancels the timer on the server
            self._sleeping = None
        self.fired = False
