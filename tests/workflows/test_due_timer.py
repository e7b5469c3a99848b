"""The next due time keeps one timer while it stays the same (patch `steady-due-timer`)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType

from domain.state import Phase
from simulation.personas import Persona
from tests.workflows.conftest import MENTEE, MENTOR, Harness
from tests.workflows.test_recording import consent
from workflows.relationship import RelationshipWorkflow

TIMER_STARTED = EventType.EVENT_TYPE_TIMER_STARTED
TIMER_CANCELED = EventType.EVENT_TYPE_TIMER_CANCELED


async def test_an_answer_that_leaves_the_due_time_in_place_keeps_the_timer(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    # The consent window's end stays the next due time while the mentee has not answered.
    await handle.execute_update(RelationshipWorkflow.answer_prompt, consent(MENTOR, "mentor"))
    events = (await handle.fetch_history()).events

    assert [e.event_type for e in events if e.event_type in (TIMER_STARTED, TIMER_CANCELED)] == [
        TIMER_STARTED
    ]


async def test_an_answer_that_moves_the_due_time_moves_the_timer(harness: Harness) -> None:
    handle = await harness.start_pair()
    await handle.execute_update(RelationshipWorkflow.answer_prompt, consent(MENTOR, "mentor"))
    await handle.execute_update(RelationshipWorkflow.answer_prompt, consent(MENTEE, "mentee"))
    events = (await handle.fetch_history()).events
    timers = [e.event_type for e in events if e.event_type in (TIMER_STARTED, TIMER_CANCELED)]

    # Both consents move the relationship on, and its next due time with it.
    assert timers == [TIMER_STARTED, TIMER_CANCELED, TIMER_STARTED]


async def test_a_whole_relationship_runs_to_completion_on_steady_timers(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "completed_steady_timer")
    result = await harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED).run()

    assert result.outcome is not None
    assert result.outcome.phase == Phase.COMPLETED
    events = (await handle.fetch_history()).events
    cancelled = sum(1 for e in events if e.event_type == TIMER_CANCELED)
    # A timer is cancelled when its due time moves, not at every answer as the run loop wakes.
    assert cancelled < result.answers_sent / 2
