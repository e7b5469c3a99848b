"""kill -9 of the worker while relationships run: nothing lost, nothing doubled, and the end
states match an undisturbed run of the same pairs on the time-skipping server.

A second worker and a second dispatcher run beside the stack's own, as a scaled deployment
does: the workers share the task queue and the dispatchers compete for the same outbox rows."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.state import RelationshipState
from services.pairs import RelationshipHandle, start_relationship
from simulation.driver import Driver
from simulation.personas import Persona
from store.database import Pool, create_pool
from tests.reliability.stack_faults import (
    CHILD_RESTART_TIMEOUT,
    RESEND_WITHIN,
    SETTLE_WITHIN,
    Participants,
    active_with_meetings,
    assert_histories_replay,
    assert_logs_hold_no_personal_data,
    assert_nothing_lost_or_doubled,
    bounded_by,
    connect_stack,
    end_relationship,
    enrol_people,
    meetings_held,
    pair_request,
    poll_until,
    read_model_caught_up,
    running_stack,
    second_copy,
    start_pairs,
    stored_stream,
)
from worker import twoway_worker

PAIRS = 10
MEETINGS = 3
SEED = 7
# Past the consents, mid-onboarding: every pair has activities running or about to.
KILL_AFTER_ANSWERS = 30
DRIVE_TIMEOUT = 150.0
pytestmark = [
    pytest.mark.e2e,
    bounded_by(
        60, DRIVE_TIMEOUT, DRIVE_TIMEOUT, SETTLE_WITHIN, 2 * CHILD_RESTART_TIMEOUT, RESEND_WITHIN
    ),
]


def summary(state: RelationshipState) -> tuple[object, ...]:
    """What two runs of the same pair must agree on, whatever the clock did."""
    return (
        state.relationship_id,
        state.phase,
        meetings_held(state),
        tuple(sorted(state.processed_answer_ids)),
        tuple(sorted(state.accepted_by)),
        len(state.contracts),
        state.end_reason,
    )


async def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    tmp_path: Path, time_skipping_env: WorkflowEnvironment, pg_pool: Pool
) -> None:
    with running_stack(tmp_path / "home") as running:
        stack = await connect_stack(running)
        pool = await create_pool(stack.database_url)
        try:
            await enrol_people(pool, PAIRS)
            async with (
                second_copy(stack, "worker-2", "worker", "worker started"),
                second_copy(stack, "dispatcher-2", "delivery.dispatcher", "dispatcher_started"),
            ):
                handles = await start_pairs(stack.client, PAIRS, stack.settings.task_queue)
                people = Participants(stack.client, time.monotonic() + DRIVE_TIMEOUT, seed=SEED)
                reached = active_with_meetings(MEETINGS)
                driving = asyncio.gather(*(people.drive(h, reached) for h in handles))

                async def enough_answers() -> bool:
                    return people.answers_sent >= KILL_AFTER_ANSWERS

                await poll_until(enough_answers, 60, f"{KILL_AFTER_ANSWERS} answers sent")
                killed = stack.kill_child("worker")
                await stack.wait_restarted("worker", killed)
                states = await driving
                await assert_nothing_lost_or_doubled(pool, states, stack.mail)
                await assert_histories_replay(stack.client, handles)
            assert_logs_hold_no_personal_data(stack.home)
            crashed_types = {s.relationship_id: await _types(pool, s) for s in states}
        finally:
            await pool.close()
    print(
        f"\nworker crash: {people.answers_sent} answers, {people.retried} retried calls,"
        f" {people.query_failures} failed queries asked again"
    )

    undisturbed = await _undisturbed_run(time_skipping_env, pg_pool)
    assert sorted(map(summary, states)) == sorted(map(summary, undisturbed))
    for state in undisturbed:
        # The same decisions. Reminders are left out: whether one fell due depends on how long
        # the crash delayed an answer in real time, which the undisturbed run cannot share.
        assert _decisions(crashed_types[state.relationship_id]) == _decisions(
            await _types(pg_pool, state)
        )


async def _types(pool: Pool, state: RelationshipState) -> list[str]:
    return [event_type for _, event_type, _ in await stored_stream(pool, state.relationship_id)]


async def _undisturbed_run(env: WorkflowEnvironment, pool: Pool) -> list[RelationshipState]:
    await enrol_people(pool, PAIRS)
    task_queue = f"undisturbed-{uuid.uuid4()}"
    async with twoway_worker(env.client, pool, task_queue):
        handles: list[RelationshipHandle] = []
        states = []
        try:
            for number in range(1, PAIRS + 1):
                # Each pair starts just before it is driven: the clock skips ahead for every
                # workflow on this server (waiting for a result lets it run to the next timer
                # of any of them), and a pair started with the others would see its consent
                # window run out while they were driven.
                handle = await start_relationship(
                    env.client, pair_request(number), task_queue=task_queue
                )
                handles.append(handle)
                engaged = {f"emp-m{number}": Persona.ENGAGED, f"emp-l{number}": Persona.ENGAGED}
                driver = Driver(
                    handle=handle,
                    personas=engaged,
                    advance=env.sleep,
                    clock=env.get_current_time,
                    seed=SEED,
                )
                await driver.run(stop_when=active_with_meetings(MEETINGS))
                states.append(await end_relationship(handle))
            for state in states:
                await poll_until(
                    lambda s=state: read_model_caught_up(pool, s),  # type: ignore[misc]
                    30,
                    f"undisturbed read model of {state.relationship_id}",
                )
        finally:
            for handle in handles:
                with contextlib.suppress(RPCError):
                    await handle.terminate(reason="test finished")
    return states


_CLOCK_DRIVEN = frozenset({"prompt_reminder_due", "meeting_reminder_due"})


def _decisions(event_types: list[str]) -> Counter[str]:
    return Counter(t for t in event_types if t not in _CLOCK_DRIVEN)
