"""The twoway worker: runs relationship workflows and their activities.

Started by `twoway up` locally, or as the `worker` service of docker-compose (scale it with
`--scale worker=N`; every replica polls the same task queue).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import asyncpg
from temporalio.client import Client
from temporalio.worker import PollerBehaviorAutoscaling, Worker

from activities.programme_activities import programme_activities
from activities.relationship_activities import relationship_activities
from store.personal_data import Sealer
from twoway.bootstrap import open_runtime
from twoway.converter import sealer_from_settings
from twoway.heartbeat import beat_while_reachable, heartbeat_at
from twoway.logging import configure_logging, get_logger
from twoway.settings import Settings, load_settings
from twoway.temporal_client import sandbox_runner
from workflows.registry import ALL_WORKFLOWS

log = get_logger(__name__)


DEFAULT_CACHED_WORKFLOWS = 1000


def twoway_worker(
    client: Client,
    pool: asyncpg.Pool,
    task_queue: str,
    *,
    max_cached_workflows: int = DEFAULT_CACHED_WORKFLOWS,
    extra_workflows: Sequence[type] = (),
    sealer: Sealer | None = None,
) -> Worker:
    """The one worker configuration: every workflow, every activity, the shared sandbox.

    Production, the benchmarks, the simulation and the tests all build it here, so what is
    measured and tested is what runs.
    """
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[*ALL_WORKFLOWS, *extra_workflows],
        activities=[*relationship_activities(pool, sealer), *programme_activities(pool)],
        workflow_runner=sandbox_runner(),
        max_cached_workflows=max_cached_workflows,
        # One poller for new workflow tasks is the SDK default; autoscaling lifts throughput
        # when many relationships wake at once (e.g. a programme's weekly reminders).
        workflow_task_poller_behavior=PollerBehaviorAutoscaling(),
        activity_task_poller_behavior=PollerBehaviorAutoscaling(),
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


def build_worker(client: Client, pool: asyncpg.Pool, settings: Settings) -> Worker:
    return twoway_worker(
        client,
        pool,
        settings.task_queue,
        max_cached_workflows=settings.max_cached_workflows,
        sealer=sealer_from_settings(settings),
    )


async def run_worker(settings: Settings) -> None:
    async with open_runtime(settings) as runtime:
        worker = build_worker(await runtime.client(), await runtime.pool(), settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker started", task_queue=settings.task_queue, namespace=settings.namespace)
        async with worker, _heartbeat(settings, await runtime.client()):
            await stop.wait()
            log.info("worker stopping")


@contextlib.asynccontextmanager
async def _heartbeat(settings: Settings, client: Client) -> AsyncIterator[None]:
    """Beat while the Temporal frontend answers the worker's client (see twoway/heartbeat.py)."""
    heartbeat = heartbeat_at(settings.heartbeat_file)
    if heartbeat is None:
        yield
        return
    beating = asyncio.create_task(
        beat_while_reachable(
            heartbeat, settings.heartbeat_interval_seconds, client.service_client.check_health
        )
    )
    try:
        yield
    finally:
        beating.cancel()


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_worker(settings))


if __name__ == "__main__":
    main()
