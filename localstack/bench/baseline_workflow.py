"""The bare timer-and-activity workflow itself, in a module of its own.

Workflow modules are imported again inside the worker's sandbox: this one imports nothing but
temporalio and pydantic (the runner, which needs the codec's compiled cryptography, lives in
`localstack.bench.baseline`).
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow


class BareInput(BaseModel):
    steps: int
    every: timedelta


@activity.defn(name="bench_bare_step")
async def bare_step(step: int) -> int:
    return step


@workflow.defn(name="BenchTimerAndActivity")
class TimerAndActivityWorkflow:
    @workflow.run
    async def run(self, input: BareInput) -> int:
        for step in range(input.steps):
            await workflow.sleep(input.every)
            await workflow.execute_activity(
                bare_step, step, start_to_close_timeout=timedelta(seconds=30)
            )
        return input.steps
