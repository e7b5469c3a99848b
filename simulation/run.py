"""Run a simulated cohort on the real workflows, on the time-skipping server.

Each batch gets a fresh time-skipping server (it slows as workflows pile up in one) and the
worker runs in this process against an embedded PostgreSQL, so every activity is real.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel
from temporalio.testing import WorkflowEnvironment

from domain.policy import RelationshipPolicy
from domain.state import RelationshipState
from services.pairs import PairRequest, start_relationship
from simulation.cohort import CohortDriver, CohortMember
from simulation.metrics import CohortMetrics, cohort_metrics
from simulation.population import SimulatedPair, draw_population
from store.database import Pool
from twoway.codec import Keyring
from twoway.converter import build_data_converter
from twoway.temporal_client import register_search_attributes
from worker import twoway_worker

BATCH_SIZE = 100
DAYS_PER_MONTH = 30.44
Progress = Callable[[int], None]
# A migrated PostgreSQL for the run, gone afterwards (the local stack's throwaway database).
DatabaseFactory = Callable[[], AbstractAsyncContextManager[Pool]]


class SimulationResult(BaseModel):
    pairs: int
    months: float
    seed: int
    policy: RelationshipPolicy
    metrics: CohortMetrics
    wall_seconds: float
    pair_months_per_second: float


async def simulate(
    pairs: int,
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    progress: Progress = lambda done: None,
    *,
    database: DatabaseFactory,
    test_server: Path,
) -> SimulationResult:
    """Simulate ``pairs`` for ``months``; the caller brings the database and the test server's
    binary (both belong to the local stack, which this package does not import)."""
    started = time.monotonic()
    population = draw_population(pairs, seed)
    states: list[RelationshipState] = []
    async with database() as pool:
        for first in range(0, len(population), BATCH_SIZE):
            batch = population[first : first + BATCH_SIZE]
            states += await _run_batch(batch, months, seed + first, policy, pool, test_server)
            progress(len(states))
    wall = time.monotonic() - started
    return SimulationResult(
        pairs=pairs,
        months=months,
        seed=seed,
        policy=policy,
        metrics=cohort_metrics(states),
        wall_seconds=round(wall, 2),
        pair_months_per_second=round(pairs * months / wall, 2),
    )


async def _run_batch(
    batch: list[SimulatedPair],
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    pool: Pool,
    test_server: Path,
) -> list[RelationshipState]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=build_data_converter(Keyring.generate("simulation")),
        test_server_existing_path=str(test_server),
    )
    try:
        await register_search_attributes(env.client)
        task_queue = f"simulation-{uuid.uuid4()}"
        async with twoway_worker(
            env.client, pool, task_queue, max_cached_workflows=len(batch) + 10
        ):
            members = [
                CohortMember(
                    await start_relationship(
                        env.client, _request(pair, policy, seed), task_queue=task_queue
                    ),
                    pair.personas,
                )
                for pair in batch
            ]
            begin = await env.get_current_time()
            driver = CohortDriver(
                members=members,
                advance=env.sleep,
                clock=env.get_current_time,
                until=begin + timedelta(days=DAYS_PER_MONTH * months),
                seed=seed,
            )
            states = await driver.run()
            for member in members:
                if member.state is None or not member.state.is_terminal:
                    await member.handle.terminate(reason="simulation finished")
            return states
    finally:
        await env.shutdown()


def _request(pair: SimulatedPair, policy: RelationshipPolicy, seed: int) -> PairRequest:
    return PairRequest(
        programme_id=f"sim-{seed}",
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        coordinator_id="sim-coordinator",
        owner_id="sim-owner",
        policy=policy,
    )
