"""A workflow task that stored its events and then lost its completion (the Temporal server or
the worker killed at that moment) leaves events in the store that the history never saw. The
task runs again with another clock and maybe other input: the relationship adopts the stored
events and decides its commands again on top of them, instead of stopping."""

from __future__ import annotations

from datetime import datetime

from temporalio.testing import ActivityEnvironment

from activities.models import EventEnvelope, RecordEventsInput
from activities.relationship_activities import RelationshipActivities
from domain import Command, decide
from domain.commands import EndRelationship
from domain.state import Phase
from services.pairs import RelationshipHandle
from tests.workflows.conftest import MENTEE, MENTOR, Harness
from tests.workflows.test_recording import consent
from workflows.relationship import RelationshipWorkflow


async def store_as_a_lost_task_did(
    harness: Harness, handle: RelationshipHandle, command: Command
) -> datetime:
    """Decide `command` as a workflow task would have, now, and store its events through
    `record_events` as that task's local activity did before its completion was lost."""
    # Answered only after the workflow task that recorded the start has completed.
    state = await handle.query(RelationshipWorkflow.state)
    at = await harness.env.get_current_time()
    last = await harness.pool.fetchval(
        "SELECT max(stream_version) FROM events WHERE stream_id = $1", handle.id
    )
    envelopes = [
        EventEnvelope.of(last + position, event)
        for position, event in enumerate(decide(state, command, at), start=1)
    ]
    request = RecordEventsInput(stream_id=handle.id, events=envelopes, notifications=[])
    activities = RelationshipActivities(harness.pool)
    await ActivityEnvironment().run(activities.record_events, request)
    return at


async def stored(harness: Harness, handle: RelationshipHandle) -> list[tuple[int, str]]:
    rows = await harness.pool.fetch(
        "SELECT stream_version, event_type FROM events WHERE stream_id = $1"
        " ORDER BY stream_version",
        handle.id,
    )
    return [(row["stream_version"], row["event_type"]) for row in rows]


async def test_an_answer_stored_by_a_lost_task_and_sent_again_counts_once(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    lost_at = await store_as_a_lost_task_did(harness, handle, consent(MENTOR, "mentor"))

    receipt = await handle.execute_update(
        RelationshipWorkflow.answer_prompt, consent(MENTOR, "mentor")
    )
    assert receipt.phase == Phase.PROPOSED.value
    state = await handle.query(RelationshipWorkflow.state)
    # The store's version of the answer (decided before this task's clock) is the one held.
    assert state.last_event_at == lost_at
    assert state.accepted_by == (MENTOR,)

    await handle.execute_update(RelationshipWorkflow.answer_prompt, consent(MENTEE, "mentee"))
    events = await stored(harness, handle)
    assert [version for version, _ in events] == list(range(1, len(events) + 1))
    assert [kind for _, kind in events].count("match_accepted") == 2
    state = await handle.query(RelationshipWorkflow.state)
    assert state.phase == Phase.ONBOARDING


async def test_a_command_that_arrives_instead_is_decided_on_top_of_the_stored_events(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    # The lost task held the mentor's consent; the task run again gets the mentee's instead.
    await store_as_a_lost_task_did(harness, handle, consent(MENTOR, "mentor"))

    receipt = await handle.execute_update(
        RelationshipWorkflow.answer_prompt, consent(MENTEE, "mentee")
    )

    assert not receipt.duplicate
    assert receipt.phase == Phase.ONBOARDING.value
    events = await stored(harness, handle)
    assert [version for version, _ in events] == list(range(1, len(events) + 1))
    assert [kind for _, kind in events].count("match_accepted") == 2
    # The mentor's answer, resent later, is the one already stored.
    again = await handle.execute_update(
        RelationshipWorkflow.answer_prompt, consent(MENTOR, "mentor")
    )
    assert again.duplicate


async def test_a_request_stored_by_a_lost_task_and_sent_again_is_answered_as_done(
    harness: Harness,
) -> None:
    """Decided again on top of its own stored events, ending would be refused ("already
    ended"); the stored events are recognised as this very request, decided earlier."""
    handle = await harness.start_pair()
    harness.keep_history(handle, "adopted_lost_task")
    await store_as_a_lost_task_did(harness, handle, EndRelationship())

    receipt = await handle.execute_update(
        RelationshipWorkflow.coordinator_action, EndRelationship()
    )

    assert receipt.phase == Phase.ENDED_EARLY.value
    events = await stored(harness, handle)
    assert [kind for _, kind in events].count("relationship_ended_early") == 1
    assert (await handle.result()).phase == Phase.ENDED_EARLY.value
