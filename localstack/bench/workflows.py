"""Bare workflows that set the baseline the relationship workflow is measured against."""

from __future__ import annotations

from temporalio import workflow


@workflow.defn(name="BenchNoop")
class NoopWorkflow:
    """Starts, waits, and answers an update that does nothing: Temporal's own floor."""

    def __init__(self) -> None:
        self._done = False
        self._pings = 0

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update(name="ping")
    def ping(self, value: int) -> int:
        self._pings += 1
        return value

    @workflow.query(name="ping_count")
    def ping_count(self) -> int:
        return self._pings

    @workflow.signal(name="finish")
    def finish(self) -> None:
        self._done = True
