"""Participants act between prompts through one validated update, on the time-skipping server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import EventType

from domain.commands import MoveMeeting, RaiseConcern, RequestPause
from domain.prompts import MeetingMoveAnswer, PromptKind
from domain.state import Phase
from services.answers import answer_prompt
from services.errors import RefusedError
from services.participants import act_on_relationship
from simulation.personas import Persona
from tests.workflows.conftest import MENTEE, MENTOR, Harness
from workflows.relationship import RelationshipWorkflow


async def accepted_updates(harness: Harness, workflow_id: str) -> int:
    history = await harness.client.get_workflow_handle(workflow_id).fetch_history()
    accepted = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    return sum(1 for event in history.events if event.event_type == accepted)


async def test_a_mentee_pauses_comes_back_and_moves_a_meeting_while_the_mentor_raises_a_concern(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "participant_actions")
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)

    now = await harness.env.get_current_time()
    receipt = await act_on_relationship(
        harness.client,
        handle.id,
        MENTEE,
        "pause",
        {"until": now + timedelta(days=10), "reason": "a family matter"},
    )
    assert receipt.phase == Phase.PAUSED
    await harness.env.sleep(timedelta(days=10, hours=1))
    state = await handle.query(RelationshipWorkflow.state)
    assert state.phase == Phase.ACTIVE, "the pause ends by itself on the date given"

    meeting = state.pending_meeting
    assert meeting is not None
    new_time = meeting.scheduled_at + timedelta(hours=2)
    await act_on_relationship(harness.client, handle.id, MENTEE, "move-meeting", {"to": new_time})
    concern = await act_on_relationship(
        harness.client, handle.id, MENTOR, "concern", {"note": "I feel unheard."}
    )
    # The one who raised it is not told of a mediation either: both still see "active".
    assert concern.phase == Phase.ACTIVE

    state = await handle.query(RelationshipWorkflow.state)
    move = state.open_prompts_of(PromptKind.MEETING_MOVE)[0]
    assert move.recipient_id == MENTOR
    await answer_prompt(
        harness.client,
        handle.id,
        move.prompt_id,
        MENTOR,
        MeetingMoveAnswer(confirm=True).model_dump(),
        "ans-move-1",
    )
    state = await handle.query(RelationshipWorkflow.state)
    assert state.meeting(meeting.number).scheduled_at == new_time
    assert state.phase == Phase.MEDIATION

    case = await harness.wait_for_row(
        "SELECT private_note, reason_codes FROM escalations WHERE relationship_id = $1", handle.id
    )
    assert case["private_note"] == "I feel unheard."
    rescheduled = await harness.wait_for_row(
        "SELECT data FROM events WHERE stream_id = $1 AND event_type = 'meeting_rescheduled'",
        handle.id,
    )
    assert rescheduled is not None
    mentee_mail = await harness.pool.fetch(
        "SELECT template, data FROM outbox WHERE recipient_id = $1", MENTEE
    )
    assert all("unheard" not in str(row["data"]) for row in mentee_mail)
    assert all(row["template"] != "mediation_started" for row in mentee_mail)
    mentor_mail = await harness.pool.fetch(
        "SELECT data FROM outbox WHERE recipient_id = $1", MENTOR
    )
    assert all("family" not in str(row["data"]) for row in mentor_mail)
    await handle.terminate(reason="test finished")


async def test_the_update_refuses_outsiders_and_broken_rules_before_they_reach_history(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)
    before = await accepted_updates(harness, handle.id)
    now = await harness.env.get_current_time()

    with pytest.raises(RefusedError) as outsider:
        await act_on_relationship(harness.client, handle.id, "emp-outsider", "concern")
    assert outsider.value.code == "unknown_participant"
    with pytest.raises(RefusedError) as too_long:
        await act_on_relationship(
            harness.client, handle.id, MENTEE, "pause", {"until": now + timedelta(days=365)}
        )
    assert "at most 90 days" in too_long.value.message
    with pytest.raises(RefusedError) as nothing_to_resume:
        await act_on_relationship(harness.client, handle.id, MENTOR, "resume")
    assert nothing_to_resume.value.code == "wrong_phase"

    assert await accepted_updates(harness, handle.id) == before
    await handle.terminate(reason="test finished")


async def test_leaving_ends_the_pair_and_asks_a_rematch_for_the_partner_only(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)

    receipt = await act_on_relationship(
        harness.client, handle.id, MENTOR, "leave", {"reason": "too much travel"}
    )
    assert receipt.phase == Phase.ENDED_EARLY
    outcome = await handle.result()
    assert outcome.end_reason == "participant_withdrew"
    assert outcome.rematch_requested
    assert outcome.left_participant_id == MENTOR
    ended = await harness.wait_for_row(
        "SELECT data FROM outbox WHERE recipient_id = $1 AND template = 'relationship_ended'",
        MENTEE,
    )
    assert "travel" not in str(ended["data"])

    with pytest.raises(RefusedError) as closed:
        await act_on_relationship(harness.client, handle.id, MENTEE, "concern")
    assert closed.value.code == "relationship_closed"


async def test_a_refused_move_is_not_recorded_and_a_direct_update_is_validated(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)
    now = await harness.env.get_current_time()

    from temporalio.client import WorkflowUpdateFailedError

    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            RelationshipWorkflow.participant_action,
            MoveMeeting(participant_id=MENTEE, to=now - timedelta(days=1)),
        )
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            RelationshipWorkflow.participant_action,
            RequestPause(participant_id=MENTEE, until=now - timedelta(days=1)),
        )
    receipt = await handle.execute_update(
        RelationshipWorkflow.participant_action, RaiseConcern(participant_id=MENTEE)
    )
    assert receipt.action == "raise_concern"
    await handle.terminate(reason="test finished")
