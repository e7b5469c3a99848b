"""Relationship workflows on the time-skipping server, with real activities on real PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest_asyncio
from asyncpg import Record
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from services.pairs import PairRequest, RelationshipHandle, start_relationship
from simulation.driver import Driver
from simulation.personas import Persona
from store.database import Pool
from worker import twoway_worker

MENTOR = "emp-junior-1"
MENTEE = "emp-senior-1"


HISTORIES = Path(__file__).parent / "histories"
# Set to record the histories that are not committed yet; a committed one is never overwritten,
# because it stands for workflows already running with the code that wrote it.
RECORDING = os.environ.get("TWOWAY_RECORD_HISTORIES") == "1"


async def record_history(
    client: Client, workflow_id: str, name: str, run_id: str | None = None
) -> None:
    """Save one run's history as `histories/<name>.json` for the replay test, if it is new."""
    path = HISTORIES / f"{name}.json"
    if not RECORDING or path.exists():
        return
    HISTORIES.mkdir(exist_ok=True)
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    path.write_text(history.to_json())


@dataclass
class Harness:
    env: WorkflowEnvironment
    task_queue: str
    pool: Pool
    kept: dict[str, str] = field(default_factory=dict)
    started: list[RelationshipHandle] = field(default_factory=list)

    def keep_history(self, handle: RelationshipHandle, name: str) -> None:
        """Save this run's history under `histories/` for the replay test (when recording)."""
        self.kept[name] = handle.id

    async def save_kept_histories(self) -> None:
        for name, workflow_id in self.kept.items():
            await record_history(self.client, workflow_id, name)

    @property
    def client(self) -> Client:
        return self.env.client

    async def start_pair(self, policy: str = "standard") -> RelationshipHandle:
        # A programme of its own per test: the same pair in one programme is one workflow id.
        request = PairRequest(
            programme_id=f"prog-{self.task_queue[-12:]}",
            mentor_id=MENTOR,
            mentee_id=MENTEE,
            coordinator_id="coord-1",
            owner_id="owner-1",
            policy=policy,
        )
        handle = await start_relationship(self.client, request, task_queue=self.task_queue)
        self.started.append(handle)
        return handle

    async def wait_for_row(self, sql: str, *args: object, within_seconds: float = 10) -> Record:
        """Side effects land after the workflow decided them: wait for the row, with a bound."""
        deadline = time.monotonic() + within_seconds
        while time.monotonic() < deadline:
            row = await self.pool.fetchrow(sql, *args)
            if row is not None:
                return row
            await asyncio.sleep(0.05)
        raise AssertionError(f"no row within {within_seconds}s for: {sql}")

    async def terminate_leftovers(self) -> None:
        """A workflow left running without its worker blocks time skipping for later tests."""
        for handle in self.started:
            # describe() cannot decode the test server's datetime search attributes, so just
            # try: terminating a closed workflow fails harmlessly.
            with contextlib.suppress(RPCError):
                await handle.terminate(reason="test finished")

    def driver(
        self, handle: RelationshipHandle, mentor: Persona, mentee: Persona, seed: int = 0
    ) -> Driver:
        return Driver(
            handle=handle,
            personas={MENTOR: mentor, MENTEE: mentee},
            advance=self.env.sleep,
            clock=self.env.get_current_time,
            seed=seed,
        )


@pytest_asyncio.fixture(loop_scope="session")
async def harness(time_skipping_env: WorkflowEnvironment, pg_pool: Pool) -> AsyncIterator[Harness]:
    task_queue = f"rel-{uuid.uuid4()}"
    async with twoway_worker(time_skipping_env.client, pg_pool, task_queue):
        harness = Harness(time_skipping_env, task_queue, pg_pool)
        yield harness
        await harness.save_kept_histories()
        await harness.terminate_leftovers()
