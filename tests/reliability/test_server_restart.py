"""kill -9 of the Temporal dev server mid-run: the supervisor restarts it on the same SQLite
file, running relationships keep their history, and answers sent afterwards apply."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from temporalio.client import WorkflowExecutionStatus

from localstack.stack import temporal_answers
from store.database import create_pool
from tests.e2e.test_local_stack import READY_TIMEOUT
from tests.reliability.stack_faults import (
    SETTLE_WITHIN,
    Participants,
    active_with_meetings,
    assert_logs_hold_no_personal_data,
    assert_nothing_lost_or_doubled,
    bounded_by,
    connect_stack,
    enrol_people,
    poll_until,
    running_stack,
    start_pairs,
)

PAIRS = 6
MEETINGS = 2
KILL_AFTER_ANSWERS = 18
DRIVE_TIMEOUT = 150.0
# The server's restart is bounded like the stack's start.
pytestmark = [pytest.mark.e2e, bounded_by(60, 60, DRIVE_TIMEOUT, SETTLE_WITHIN, READY_TIMEOUT)]


async def test_relationships_survive_a_killed_temporal_server_with_their_history(
    tmp_path: Path,
) -> None:
    with running_stack(tmp_path / "home") as running:
        stack = await connect_stack(running)
        pool = await create_pool(stack.database_url)
        try:
            await enrol_people(pool, PAIRS)
            handles = await start_pairs(stack.client, PAIRS, stack.settings.task_queue)
            people = Participants(stack.client, time.monotonic() + DRIVE_TIMEOUT)
            driving = asyncio.gather(
                *(people.drive(h, active_with_meetings(MEETINGS)) for h in handles)
            )

            async def enough_answers() -> bool:
                return people.answers_sent >= KILL_AFTER_ANSWERS

            await poll_until(enough_answers, 60, f"{KILL_AFTER_ANSWERS} answers sent")
            runs = {h.id: (await h.describe()).run_id for h in handles}
            answered_before = people.answers_sent
            killed = stack.kill_child("temporal")
            await stack.wait_restarted("temporal", killed)

            async def server_answers() -> bool:
                return await temporal_answers(stack.settings.temporal_target, "default")

            await poll_until(server_answers, 60, "the restarted server answers")
            states = await driving
            await assert_nothing_lost_or_doubled(pool, states, stack.mail)
            assert_logs_hold_no_personal_data(stack.home)
            for handle in handles:
                described = await handle.describe()
                # The same run, closed by our chosen end: not a fresh start after the restart.
                assert described.run_id == runs[handle.id]
                assert described.status == WorkflowExecutionStatus.COMPLETED
                history = await handle.fetch_history()
                assert len(history.events) > 20
        finally:
            await pool.close()
    assert people.answers_sent > answered_before
    print(
        f"\nserver restart: {answered_before} answers before, {people.answers_sent} in all,"
        f" {people.retried} retried calls"
    )
