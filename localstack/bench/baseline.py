"""A bare timer-and-activity workflow: the floor the Temporal simulation engine is measured on.

A simulated relationship is, to the server, a workflow that sleeps until something falls due,
then records what happened with an activity. This workflow does only that, as often as a
relationship acts, so `pair-months/s` of both on the same test server say what the relationship
logic itself costs on top of Temporal.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from localstack.bench.baseline_workflow import BareInput, TimerAndActivityWorkflow, bare_step
from localstack.binaries import temporal_test_server
from twoway.codec import Keyring
from twoway.converter import build_data_converter
from twoway.temporal_client import sandbox_runner

# About as often as a relationship acts: 60-70 commands (timers and answers) over a 7-month term.
STEPS_PER_MONTH = 10
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class BareRun:
    """Pair-months per second of the bare workflows, timed two ways like the Temporal engine:
    from the server's start to its stop, and over the worker alone (from its start to its
    stop, the server's one-off start and stop left out)."""

    end_to_end: float
    worker: float


async def bare_pair_months_per_second(workflows: int, months: float) -> BareRun:
    """Run `workflows` bare workflows for `months` each on a fresh time-skipping server."""
    started = time.monotonic()
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=build_data_converter(Keyring.generate("baseline")),
        test_server_existing_path=str(temporal_test_server()),
    )
    try:
        task_queue = f"baseline-{uuid.uuid4()}"
        steps = max(1, round(STEPS_PER_MONTH * months))
        every = timedelta(days=DAYS_PER_MONTH * months / steps)
        worker_started = time.monotonic()
        async with Worker(
            env.client,
            task_queue=task_queue,
            workflows=[TimerAndActivityWorkflow],
            activities=[bare_step],
            workflow_runner=sandbox_runner(),
            max_cached_workflows=workflows + 10,
        ):
            handles = [
                await env.client.start_workflow(
                    TimerAndActivityWorkflow.run,
                    BareInput(steps=steps, every=every),
                    id=f"baseline-{n}",
                    task_queue=task_queue,
                )
                for n in range(workflows)
            ]
            # One by one: gathering results on the time-skipping server hangs (DESIGN, 6).
            for handle in handles:
                await handle.result()
        worker_seconds = time.monotonic() - worker_started
    finally:
        await env.shutdown()
    pair_months = workflows * months
    return BareRun(
        end_to_end=round(pair_months / (time.monotonic() - started), 2),
        worker=round(pair_months / worker_seconds, 2),
    )
