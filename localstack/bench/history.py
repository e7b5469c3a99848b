"""History figures of one relationship: events per relationship-year, peak run size, and worker
memory per cached open relationship. A benchmark that prints JSON, not a test."""

from __future__ import annotations

import gc
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import timedelta

import psutil
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from domain.commands import AnswerPrompt
from domain.prompts import ConsentAnswer
from domain.state import Phase, RelationshipState
from localstack.binaries import temporal_cli, temporal_test_server
from localstack.postgres import throwaway_database
from services.pairs import PairRequest, RelationshipHandle, start_relationship
from simulation.driver import Driver
from simulation.personas import Persona
from store.database import Pool
from twoway.codec import Keyring
from twoway.converter import build_data_converter
from twoway.temporal_client import register_search_attributes
from worker import twoway_worker
from workflows.relationship import RelationshipWorkflow
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

MENTOR, MENTEE = "bench-mentor", "bench-mentee"
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class RunSize:
    events: int
    bytes: int


@dataclass(frozen=True)
class HistoryFigures:
    policy: str
    simulated_days: float
    runs: int
    events_total: int
    events_per_relationship_year: float
    peak_run_events: int
    peak_run_bytes: int
    worker_rss_bytes_per_cached_relationship: int
    worker_python_heap_bytes_per_cached_relationship: int
    cached_relationships_measured: int


def pair(programme: str, mentor: str = MENTOR, mentee: str = MENTEE) -> PairRequest:
    return PairRequest(
        programme_id=programme,
        mentor_id=mentor,
        mentee_id=mentee,
        coordinator_id="bench-coordinator",
        owner_id="bench-owner",
    )


async def run_sizes(client: Client, workflow_id: str, first_run_id: str) -> list[RunSize]:
    """Follow the continue-as-new chain from the first run, sizing each run's history."""
    sizes: list[RunSize] = []
    run_id: str | None = first_run_id
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        sizes.append(
            RunSize(len(history.events), sum(event.ByteSize() for event in history.events))
        )
        last = history.events[-1]
        run_id = None
        if last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
            run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    return sizes


def _in_second_term_closing(state: RelationshipState) -> bool:
    return state.term_number >= 2 and state.phase == Phase.CLOSING


async def one_relationship_year(
    converter: DataConverter, pool: Pool
) -> tuple[list[RunSize], timedelta]:
    """Two six-month terms (a renewal) of an engaged pair on the standard policy."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=converter, test_server_existing_path=str(temporal_test_server())
    )
    try:
        await register_search_attributes(env.client)
        task_queue = f"bench-year-{uuid.uuid4()}"
        async with twoway_worker(env.client, pool, task_queue):
            handle = await start_relationship(env.client, pair("bench"), task_queue=task_queue)
            first_run = (await handle.fetch_history()).events[0]
            started = await env.get_current_time()
            driver = Driver(
                handle=handle,
                personas={MENTOR: Persona.RENEWING, MENTEE: Persona.RENEWING},
                advance=env.sleep,
                clock=env.get_current_time,
            )
            await driver.run(stop_when=_in_second_term_closing)
            elapsed = await env.get_current_time() - started
            first_run_id = (
                first_run.workflow_execution_started_event_attributes.original_execution_run_id
            )
            sizes = await run_sizes(env.client, handle.id, first_run_id)
            await handle.terminate(reason="benchmark finished")
        return sizes, elapsed
    finally:
        await env.shutdown()


@dataclass(frozen=True)
class CacheMemory:
    rss_bytes: int
    python_heap_bytes: int


async def memory_per_cached_relationship(
    converter: DataConverter, pool: Pool, count: int
) -> CacheMemory:
    """Worker memory growth per open relationship held in its cache (worker in this process).

    Two views: resident memory (everything, the SDK's core included, but the allocator may
    hand back memory freed by earlier work, so it can even fall) and the Python heap traced by
    `tracemalloc` (what the cached workflows and their sandboxes hold, exactly).
    """
    env = await WorkflowEnvironment.start_local(
        data_converter=converter,
        dev_server_existing_path=str(temporal_cli()),
        search_attributes=ALL_SEARCH_ATTRIBUTES,
    )
    process = psutil.Process()
    try:
        task_queue = f"bench-mem-{uuid.uuid4()}"
        async with twoway_worker(env.client, pool, task_queue, max_cached_workflows=count + 20):
            await _open_relationships(env.client, task_queue, range(20))  # warm up
            half = count // 2
            gc.collect()
            baseline = process.memory_info().rss
            await _open_relationships(env.client, task_queue, range(20, 20 + half))
            gc.collect()
            grown = process.memory_info().rss - baseline
            # Traced apart from the resident figure: tracing keeps a record per allocation,
            # which would count in resident memory.
            tracemalloc.start()
            await _open_relationships(env.client, task_queue, range(20 + half, 20 + 2 * half))
            gc.collect()
            heap_grown = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
    finally:
        await env.shutdown()
    return CacheMemory(rss_bytes=round(grown / half), python_heap_bytes=round(heap_grown / half))


async def _open_relationships(client: Client, task_queue: str, numbers: range) -> None:
    """Start each and answer one prompt, so every workflow has run and sits in the cache."""
    handles: list[RelationshipHandle] = [
        await start_relationship(client, pair("bench-mem", f"m{n}", f"s{n}"), task_queue=task_queue)
        for n in numbers
    ]
    for n, handle in zip(numbers, handles, strict=True):
        await handle.execute_update(
            RelationshipWorkflow.answer_prompt,
            AnswerPrompt(
                answer_id="bench-consent",
                prompt_id="consent:mentor",
                respondent_id=f"m{n}",
                answer=ConsentAnswer(decision="accept"),
            ),
        )


async def measure(cached: int) -> HistoryFigures:
    converter = build_data_converter(Keyring.generate("bench"))
    async with throwaway_database() as pool:
        sizes, elapsed = await one_relationship_year(converter, pool)
        memory = await memory_per_cached_relationship(converter, pool, cached)
    days = elapsed / timedelta(days=1)
    total = sum(size.events for size in sizes)
    return HistoryFigures(
        policy="standard",
        simulated_days=round(days, 1),
        runs=len(sizes),
        events_total=total,
        events_per_relationship_year=round(total * DAYS_PER_YEAR / days, 1),
        peak_run_events=max(size.events for size in sizes),
        peak_run_bytes=max(size.bytes for size in sizes),
        worker_rss_bytes_per_cached_relationship=memory.rss_bytes,
        worker_python_heap_bytes_per_cached_relationship=memory.python_heap_bytes,
        cached_relationships_measured=cached,
    )
