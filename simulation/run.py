"""Run a simulated cohort on one of two engines, with the same people and the same figures.

- `decider` (the default): the pure decider on a virtual clock (`simulation.decider_engine`);
  a programme-year of thousands of pairs takes seconds.
- `temporal`: the real workflows and activities on the time-skipping server. Each batch gets a
  fresh server (it slows as workflows pile up in one) and the worker runs in this process
  against an embedded PostgreSQL, so every activity is real.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel
from temporalio.testing import WorkflowEnvironment

from domain import evolve, initial_state
from domain.commands import StartRelationship
from domain.events import EVENT_ADAPTER
from domain.policy import RelationshipPolicy
from domain.state import RelationshipState
from services.pairs import PairRequest, RelationshipHandle, start_relationship
from simulation.cohort import ClosedState, CohortDriver, CohortMember
from simulation.decider_engine import run_decider_cohort, run_decider_outcomes
from simulation.metrics import CohortMetrics, PairOutcome, cohort_metrics, outcome_metrics
from simulation.population import SimulatedPair, draw_population
from store.database import Pool
from store.event_store import read_stream
from twoway.codec import Keyring
from twoway.converter import build_data_converter
from twoway.temporal_client import register_search_attributes
from worker import twoway_worker
from workflows.relationship_io import start_command

BATCH_SIZE = 100
DAYS_PER_MONTH = 30.44
Progress = Callable[[int], None]
# A migrated PostgreSQL for the run, gone afterwards (the local stack's throwaway database).
DatabaseFactory = Callable[[], AbstractAsyncContextManager[Pool]]


@dataclass(frozen=True, slots=True)
class TemporalParts:
    """What the Temporal engine needs from the local stack, which this package does not import:
    a throwaway database and the time-skipping server's binary."""

    database: DatabaseFactory
    test_server: Path


class Engine(StrEnum):
    DECIDER = "decider"
    TEMPORAL = "temporal"


@dataclass
class WorkerTime:
    """Seconds the Temporal engine's workers ran, each from its start to its stop, summed over
    the batches. It leaves out the one-off start and stop of the servers and of PostgreSQL, as
    the bare workflow's benchmark times its own worker (`localstack.bench.baseline`)."""

    seconds: float = 0.0


class SimulationResult(BaseModel):
    engine: Engine = Engine.DECIDER
    pairs: int
    months: float
    seed: int
    policy: RelationshipPolicy
    metrics: CohortMetrics
    wall_seconds: float
    pair_months_per_second: float
    # Temporal engine only: `WorkerTime`, and the pair-months per second of it.
    worker_seconds: float | None = None
    worker_pair_months_per_second: float | None = None


async def simulate(
    pairs: int,
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    progress: Progress = lambda done: None,
    engine: Engine = Engine.DECIDER,
    temporal: TemporalParts | None = None,
) -> SimulationResult:
    started = time.monotonic()
    population = draw_population(pairs, seed)
    worker: WorkerTime | None = None
    if engine is Engine.DECIDER:
        metrics = outcome_metrics(decider_outcomes(population, months, seed, policy, progress))
    else:
        if temporal is None:
            raise ValueError("the temporal engine needs a database and the test server")
        worker = WorkerTime()
        states = await simulate_on_temporal(
            population, months, seed, policy, temporal, progress, worker
        )
        metrics = cohort_metrics(states)
    wall = time.monotonic() - started
    return SimulationResult(
        engine=engine,
        pairs=pairs,
        months=months,
        seed=seed,
        policy=policy,
        metrics=metrics,
        wall_seconds=round(wall, 2),
        pair_months_per_second=round(pairs * months / wall, 2),
        worker_seconds=round(worker.seconds, 2) if worker else None,
        worker_pair_months_per_second=(
            round(pairs * months / worker.seconds, 2) if worker and worker.seconds else None
        ),
    )


def simulate_on_decider(
    population: list[SimulatedPair],
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    progress: Progress = lambda done: None,
    begin: datetime | None = None,
) -> list[RelationshipState]:
    begin, until = _clock(months, begin)
    return run_decider_cohort(
        population, lambda pair: _start(pair, policy, seed), seed, begin, until, progress
    )


def decider_outcomes(
    population: list[SimulatedPair],
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    progress: Progress = lambda done: None,
) -> list[PairOutcome]:
    """`simulate_on_decider`, keeping only what the metrics need of each pair."""
    begin, until = _clock(months, None)
    return run_decider_outcomes(
        population, lambda pair: _start(pair, policy, seed), seed, begin, until, progress
    )


def _clock(months: float, begin: datetime | None) -> tuple[datetime, datetime]:
    # Any instant will do (the rules only count durations); now keeps dates in reports familiar.
    begin = begin or datetime.now(UTC)
    return begin, begin + timedelta(days=DAYS_PER_MONTH * months)


def _start(pair: SimulatedPair, policy: RelationshipPolicy, seed: int) -> StartRelationship:
    return start_command(pair_request(pair, policy, seed))


async def simulate_on_temporal(
    population: list[SimulatedPair],
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    parts: TemporalParts,
    progress: Progress = lambda done: None,
    worker_time: WorkerTime | None = None,
) -> list[RelationshipState]:
    states: list[RelationshipState] = []
    worker_time = worker_time or WorkerTime()
    # The first test server starts while PostgreSQL starts and migrates: neither waits for the
    # other, and both take seconds on a busy machine.
    starting: asyncio.Task[WorkflowEnvironment] | None = asyncio.create_task(
        _start_test_server(parts.test_server)
    )
    try:
        async with parts.database() as pool:
            for first in range(0, len(population), BATCH_SIZE):
                env = await (starting or _start_test_server(parts.test_server))
                starting = None
                batch = population[first : first + BATCH_SIZE]
                states += await _run_batch(batch, months, seed, policy, pool, env, worker_time)
                progress(len(states))
    finally:
        if starting is not None:
            await (await starting).shutdown()
    return states


async def _start_test_server(test_server: Path) -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=build_data_converter(Keyring.generate("simulation")),
        test_server_existing_path=str(test_server),
    )


async def _run_batch(
    batch: list[SimulatedPair],
    months: float,
    seed: int,
    policy: RelationshipPolicy,
    pool: Pool,
    env: WorkflowEnvironment,
    worker_time: WorkerTime,
) -> list[RelationshipState]:
    """The batch on its own test server, which is shut down afterwards."""
    try:
        await register_search_attributes(env.client)
        task_queue = f"simulation-{uuid.uuid4()}"
        started = time.monotonic()
        async with twoway_worker(
            env.client, pool, task_queue, max_cached_workflows=len(batch) + 10
        ):
            members = [
                CohortMember(
                    await start_relationship(
                        env.client, pair_request(pair, policy, seed), task_queue=task_queue
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
                closed_state=stored_state(
                    pool, {start.relationship_id: start for start in starts(batch, policy, seed)}
                ),
            )
            states = await driver.run()
            for member in members:
                if member.state is None or not member.state.is_terminal:
                    await member.handle.terminate(reason="simulation finished")
        worker_time.seconds += time.monotonic() - started
        return states
    finally:
        await env.shutdown()


def starts(
    batch: list[SimulatedPair], policy: RelationshipPolicy, seed: int
) -> list[StartRelationship]:
    return [_start(pair, policy, seed) for pair in batch]


def stored_state(pool: Pool, starts: dict[str, StartRelationship]) -> ClosedState:
    """A closed relationship's state, folded from the events its workflow recorded.

    The workflow records every event before it closes, and its state is the fold of those
    events over the start (`evolve`, as the read models are built): the same state a query
    would return, for a few milliseconds of PostgreSQL instead of the worker replaying the
    whole history (about 3 s for a relationship-year on this machine)."""

    async def state_of(handle: RelationshipHandle) -> RelationshipState:
        async with pool.acquire() as conn:
            stored = await read_stream(conn, handle.id)
        state = initial_state(starts[handle.id])
        for row in stored:
            state = evolve(state, EVENT_ADAPTER.validate_python(row.data))
        return state

    return state_of


def pair_request(pair: SimulatedPair, policy: RelationshipPolicy, seed: int) -> PairRequest:
    return PairRequest(
        programme_id=f"sim-{seed}",
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        coordinator_id="sim-coordinator",
        owner_id="sim-owner",
        policy=policy,
    )
