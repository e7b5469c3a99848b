"""Throughput and latency of relationships against bare workflows, side by side, in one run.

Both run on the same dev server (SQLite file in WAL mode, as `twoway up` runs it) and the same
in-process worker, so the ratios say what twoway's own work costs on top of Temporal's.
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.commands import AnswerPrompt
from domain.prompts import ConsentAnswer
from localstack.bench.collector import CollectorPauses, collector_pauses
from localstack.bench.workflows import NoopWorkflow
from localstack.binaries import temporal_cli
from services.pairs import PairRequest, RelationshipHandle, start_relationship
from store.database import Pool
from store.personal_data import Sealer
from twoway.codec import Keyring
from twoway.converter import build_data_converter
from worker import twoway_worker
from workflows.relationship import RelationshipWorkflow
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

CONCURRENCY = 20
# Answers measured per kind out of the open workflows (each pair answers once).
IN_FLIGHT_ANSWERS = 1000
ONE_AT_A_TIME_ANSWERS = 200
SQLITE_PRAGMAS = ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]


# Wall seconds and each call's latency.
Measured = tuple[float, list[float]]


class LatencyFigures(BaseModel):
    per_second: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class InboxBurst:
    answers: int
    seconds: float
    p50_ms: float
    p99_ms: float
    busy_pages: int
    applied_once: bool


@dataclass(frozen=True)
class StackParts:
    """What the measurement runs on: one dev server's client, the database, the sealer the
    worker and the web app share, and a home directory for the web app's settings."""

    client: Client
    pool: Pool
    sealer: Sealer
    home: Path


# Posts the consent answers of the given pairs (number -> relationship id) to the inbox at once.
# Built by the CLI, which alone may start the web app (see the import contracts).
PostAnswers = Callable[[StackParts, dict[int, str]], Awaitable[InboxBurst]]


class StackFigures(BaseModel):
    workflows: int  # open workflows of each kind while answers are measured
    concurrency: int
    answers_in_flight: int  # calls measured CONCURRENCY at a time, of each kind
    answers_one_at_a_time: int
    relationship_starts_per_second: float
    noop_starts_per_second: float
    start_ratio_to_noop: float
    prompt_answers: LatencyFigures
    bare_updates: LatencyFigures
    # p50 ratio, kept under its old name so earlier bench files compare.
    answer_latency_ratio_to_bare_update: float
    # The figures (goals in docs/performance.md and the bench table).
    answer_throughput_ratio_to_bare: float
    answer_p99_ratio_to_bare_in_flight: float
    prompt_answers_one_at_a_time: LatencyFigures
    bare_updates_one_at_a_time: LatencyFigures
    answer_p99_ratio_to_bare_one_at_a_time: float
    inbox_burst: InboxBurst | None = None
    # The cycle collector's pauses inside each measurement, by its name above.
    collector: dict[str, CollectorPauses] = {}


async def _bounded(calls: list[Callable[[], Awaitable[float]]]) -> tuple[float, list[float]]:
    """Run the calls CONCURRENCY at a time; wall seconds and each call's latency."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Callable[[], Awaitable[float]]) -> float:
        async with gate:
            return await call()

    began = time.perf_counter()
    latencies = await asyncio.gather(*(one(call) for call in calls))
    return time.perf_counter() - began, list(latencies)


def _timed(action: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[float]]:
    async def call() -> float:
        began = time.perf_counter()
        await action()
        return time.perf_counter() - began

    return call


def _figures(seconds: float, latencies: list[float]) -> LatencyFigures:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return LatencyFigures(
        per_second=round(len(latencies) / seconds, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 1),
        p99_ms=round(p99 * 1000, 1),
    )


async def _start_relationships(
    client: Client, task_queue: str, count: int
) -> tuple[float, dict[int, RelationshipHandle]]:
    """Pair n has mentor `m{n}`, which its consent answer must name."""
    handles: dict[int, RelationshipHandle] = {}

    async def start(n: int) -> None:
        request = PairRequest(
            programme_id="bench",
            mentor_id=f"m{n}",
            mentee_id=f"s{n}",
            coordinator_id="bench-coordinator",
            owner_id="bench-owner",
        )
        handles[n] = await start_relationship(client, request, task_queue=task_queue)

    seconds, _ = await _bounded([_timed(functools.partial(start, n)) for n in range(count)])
    return seconds, handles


async def _start_noops(
    client: Client, task_queue: str, count: int
) -> tuple[float, list[WorkflowHandle[NoopWorkflow, None]]]:
    handles: list[WorkflowHandle[NoopWorkflow, None]] = []

    async def start(n: int) -> None:
        handles.append(
            await client.start_workflow(
                NoopWorkflow.run, id=f"noop-{task_queue}-{n}", task_queue=task_queue
            )
        )

    seconds, _ = await _bounded([_timed(functools.partial(start, n)) for n in range(count)])
    return seconds, handles


async def _wait_until_recorded(pool: Pool, count: int, within_seconds: float = 120) -> None:
    """Every relationship has recorded its start: its first activities are behind it."""
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        recorded = await pool.fetchval("SELECT count(*) FROM relationships")
        if recorded >= count:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"relationships not recorded within {within_seconds:.0f}s")


async def _ping(handle: WorkflowHandle[NoopWorkflow, None]) -> int:
    return await handle.execute_update(NoopWorkflow.ping, 1)


def _consent(handle: RelationshipHandle, n: int) -> Callable[[], Awaitable[object]]:
    command = AnswerPrompt(
        answer_id="bench-consent",
        prompt_id="consent:mentor",
        respondent_id=f"m{n}",
        answer=ConsentAnswer(decision="accept"),
    )
    return lambda: handle.execute_update(RelationshipWorkflow.answer_prompt, command)


@dataclass(frozen=True)
class AnswerPlan:
    """Which pairs answer in which measurement: each answers its consent once, in one of them."""

    in_flight: range
    one_at_a_time: range
    inbox: range

    @staticmethod
    def over(count: int, inbox_answers: int) -> AnswerPlan:
        in_flight = min(IN_FLIGHT_ANSWERS, count // 3)
        single = min(ONE_AT_A_TIME_ANSWERS, count // 6)
        inbox = min(inbox_answers, count - in_flight - single)
        return AnswerPlan(
            in_flight=range(in_flight),
            one_at_a_time=range(in_flight, in_flight + single),
            inbox=range(in_flight + single, in_flight + single + inbox),
        )


async def measure_stack(
    pool: Pool, count: int, inbox_answers: int = 0, post_answers: PostAnswers | None = None
) -> StackFigures:
    # As a worker started from settings: payloads encrypted, personal values in the event store
    # and read models sealed with per-person keys, with one deployment key for both.
    keyring = Keyring.generate("bench")
    sealer = Sealer(keyring.current_id, keyring.keys)
    with tempfile.TemporaryDirectory() as home:
        env = await WorkflowEnvironment.start_local(
            data_converter=build_data_converter(keyring),
            dev_server_existing_path=str(temporal_cli()),
            dev_server_database_filename=str(Path(home) / "temporal.db"),
            dev_server_extra_args=SQLITE_PRAGMAS,
            search_attributes=ALL_SEARCH_ATTRIBUTES,
        )
        try:
            plan = AnswerPlan.over(count, inbox_answers if post_answers else 0)
            parts = StackParts(env.client, pool, sealer, Path(home))
            return await _measure(parts, count, plan, post_answers)
        finally:
            await env.shutdown()


async def _watched(
    collector: dict[str, CollectorPauses], name: str, measurement: Awaitable[Measured]
) -> Measured:
    """The measurement, with the collector's pauses inside it kept under `name`."""
    with collector_pauses() as collector[name]:
        return await measurement


async def _one_at_a_time(calls: list[Callable[[], Awaitable[float]]]) -> tuple[float, list[float]]:
    began = time.perf_counter()
    latencies = [await call() for call in calls]
    return time.perf_counter() - began, latencies


async def _measure(
    parts: StackParts, count: int, plan: AnswerPlan, post_answers: PostAnswers | None
) -> StackFigures:
    client, pool = parts.client, parts.pool
    task_queue = f"bench-{uuid.uuid4()}"
    async with twoway_worker(
        client,
        pool,
        task_queue,
        sealer=parts.sealer,
        # Sized to hold every open workflow, as docs/operations.md asks: no replays measured.
        max_cached_workflows=2 * count + 10,
        extra_workflows=[NoopWorkflow],
    ):
        # Each kind is measured on its own, after its workflows settled, so neither measurement
        # pays for the other's start-up work.
        noop_seconds, noops = await _start_noops(client, task_queue, count)
        for noop in noops:
            await noop.query(NoopWorkflow.ping_count)
        rel_seconds, relationships = await _start_relationships(client, task_queue, count)
        # A loaded machine records a few dozen starts a second: the bound grows with the count.
        await _wait_until_recorded(pool, count, within_seconds=120 + count / 10)
        # One at a time first, on a quiet server: the latency a single person sees.
        collector: dict[str, CollectorPauses] = {}
        bare_single = await _watched(
            collector,
            "bare_updates_one_at_a_time",
            _one_at_a_time(
                [_timed(functools.partial(_ping, noops[n])) for n in plan.one_at_a_time]
            ),
        )
        answers_single = await _watched(
            collector,
            "prompt_answers_one_at_a_time",
            _one_at_a_time([_timed(_consent(relationships[n], n)) for n in plan.one_at_a_time]),
        )
        bare = await _watched(
            collector,
            "bare_updates",
            _bounded([_timed(functools.partial(_ping, noops[n])) for n in plan.in_flight]),
        )
        answers = await _watched(
            collector,
            "prompt_answers",
            _bounded([_timed(_consent(relationships[n], n)) for n in plan.in_flight]),
        )
        burst = None
        if plan.inbox and post_answers is not None:
            burst = await post_answers(parts, {n: relationships[n].id for n in plan.inbox})
        for noop in noops:
            await noop.signal(NoopWorkflow.finish)
        for relationship in relationships.values():
            await relationship.terminate(reason="benchmark finished")
    answer_figures, bare_figures = _figures(*answers), _figures(*bare)
    single_answer, single_bare = _figures(*answers_single), _figures(*bare_single)
    return StackFigures(
        workflows=count,
        concurrency=CONCURRENCY,
        answers_in_flight=len(plan.in_flight),
        answers_one_at_a_time=len(plan.one_at_a_time),
        relationship_starts_per_second=round(count / rel_seconds, 1),
        noop_starts_per_second=round(count / noop_seconds, 1),
        start_ratio_to_noop=round(noop_seconds / rel_seconds, 2),
        prompt_answers=answer_figures,
        bare_updates=bare_figures,
        answer_latency_ratio_to_bare_update=_ratio(answer_figures.p50_ms, bare_figures.p50_ms),
        answer_throughput_ratio_to_bare=_ratio(answer_figures.per_second, bare_figures.per_second),
        answer_p99_ratio_to_bare_in_flight=_ratio(answer_figures.p99_ms, bare_figures.p99_ms),
        prompt_answers_one_at_a_time=single_answer,
        bare_updates_one_at_a_time=single_bare,
        answer_p99_ratio_to_bare_one_at_a_time=_ratio(single_answer.p99_ms, single_bare.p99_ms),
        inbox_burst=burst,
        collector=collector,
    )


def _ratio(value: float, baseline: float) -> float:
    return round(value / max(baseline, 0.001), 2)
