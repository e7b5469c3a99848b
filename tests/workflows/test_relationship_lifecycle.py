"""The whole relationship lifecycle on the time-skipping server: a year passes in seconds."""

from __future__ import annotations

from datetime import timedelta

from domain.commands import (
    PauseRelationship,
    RecordManagerChange,
    RecordParticipantLeft,
    ResolveEscalation,
    ResumeRelationship,
)
from domain.state import Phase
from simulation.personas import Persona
from store.event_store import read_stream
from tests.workflows.conftest import MENTEE, MENTOR, Harness
from workflows.relationship import RelationshipWorkflow


async def outbox_templates(harness: Harness, relationship_id: str) -> list[str]:
    rows = await harness.pool.fetch(
        "SELECT template FROM outbox WHERE relationship_id = $1 ORDER BY id", relationship_id
    )
    return [row["template"] for row in rows]


async def test_engaged_pair_goes_from_proposal_to_completed(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "completed")
    result = await harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED).run()

    assert result.outcome is not None
    assert result.outcome.phase == Phase.COMPLETED
    assert result.outcome.meetings_held >= 10
    assert len(result.state.recognitions) == 2
    async with harness.pool.acquire() as connection:
        stored = await read_stream(connection, handle.id)
    assert len(stored) == result.outcome.events_recorded
    assert [event.stream_version for event in stored] == list(range(1, len(stored) + 1))
    row = await harness.pool.fetchrow(
        "SELECT phase, health FROM relationships WHERE relationship_id = $1", handle.id
    )
    assert row is not None
    assert row["phase"] == "completed"


async def test_ghosting_pair_turns_red_escalates_and_coordinator_ends_without_fault(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "ghosting_ended")
    driver = harness.driver(handle, Persona.GHOSTING, Persona.GHOSTING)
    seen_levels: set[str] = set()

    def escalated(state: object) -> bool:
        seen_levels.add(state.health.level.value)  # type: ignore[attr-defined]
        return bool(state.escalation_open)  # type: ignore[attr-defined]

    result = await driver.run(stop_when=escalated)
    assert result.state.phase == Phase.MEDIATION
    assert "red" in seen_levels or result.state.health.level.value == "red"
    assert result.state.health.reasons, "red health must say why"

    receipt = await handle.execute_update(
        RelationshipWorkflow.coordinator_action, ResolveEscalation(resolution="end_without_fault")
    )
    assert receipt.phase == Phase.ENDED_EARLY
    outcome = await handle.result()
    assert outcome.end_reason is not None
    case = await harness.wait_for_row(
        "SELECT status FROM escalations WHERE relationship_id = $1 AND status = 'resolved'",
        handle.id,
    )
    assert case["status"] == "resolved"


async def test_private_tension_goes_to_mediation_and_back_to_active(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "tension_resolved")
    driver = harness.driver(handle, Persona.TENSE, Persona.ENGAGED)
    result = await driver.run(stop_when=lambda state: state.escalation_open)
    assert result.state.phase == Phase.MEDIATION

    case = await harness.wait_for_row(
        "SELECT private_note, assigned_to FROM escalations WHERE relationship_id = $1", handle.id
    )
    assert case["assigned_to"] == "coord-1"
    assert case["private_note"] == "I do not feel I can speak freely."
    partner_mail = await harness.pool.fetch(
        "SELECT data FROM outbox WHERE recipient_id = $1", MENTEE
    )
    for mail in partner_mail:
        assert MENTOR not in str(mail["data"]), "the partner must not learn who raised it"
        assert "speak freely" not in str(mail["data"])

    receipt = await handle.execute_update(
        RelationshipWorkflow.coordinator_action, ResolveEscalation(resolution="continue")
    )
    assert receipt.phase == Phase.ACTIVE
    assert not receipt.escalation_open


async def test_pair_evolves_into_mutual_mentoring(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "mutual")
    result = await harness.driver(handle, Persona.MUTUAL, Persona.ENGAGED).run()
    assert result.outcome is not None
    assert result.outcome.mode == "mutual"
    contract = result.state.contract
    assert contract is not None
    directions = {goal.direction.value for goal in contract.terms.goals}
    assert directions == {"mentor_to_mentee", "mentee_to_mentor"}


async def test_decline_ends_the_proposal_and_requests_a_rematch(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "declined")
    result = await harness.driver(handle, Persona.ENGAGED, Persona.DECLINING).run()
    assert result.outcome is not None
    assert result.outcome.phase == Phase.DECLINED
    assert result.outcome.rematch_requested
    to_coordinator = await harness.pool.fetch(
        "SELECT template FROM outbox WHERE relationship_id = $1 AND recipient_role = 'coordinator'",
        handle.id,
    )
    assert [row["template"] for row in to_coordinator] == ["match_declined"]


async def test_participant_leaving_ends_the_relationship_early(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "participant_left")
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)
    await handle.signal(RelationshipWorkflow.hr_event, RecordParticipantLeft(participant_id=MENTEE))
    outcome = await handle.result()
    assert outcome.phase == Phase.ENDED_EARLY
    assert outcome.end_reason == "participant_left"


async def test_hierarchy_conflict_pauses_and_escalates(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "hierarchy_conflict")
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)
    await handle.signal(
        RelationshipWorkflow.hr_event,
        RecordManagerChange(participant_id=MENTOR, new_manager_id=MENTEE),
    )
    result = await driver.run(stop_when=lambda state: state.escalation_open)
    assert result.state.phase in {Phase.PAUSED, Phase.MEDIATION}
    assert result.state.pause_reason == "hierarchy_conflict" or any(
        "hierarchy_conflict" in escalation.reasons for escalation in result.state.escalations
    )


async def test_no_meeting_reminder_while_paused_and_schedule_resumes(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "paused_resumed")
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)
    await handle.execute_update(
        RelationshipWorkflow.coordinator_action, PauseRelationship(reason="sabbatical")
    )
    reminders_before = (await outbox_templates(harness, handle.id)).count("meeting_reminder")
    await harness.env.sleep(timedelta(days=60))
    state = await handle.query(RelationshipWorkflow.state)
    assert state.phase == Phase.PAUSED
    assert (await outbox_templates(harness, handle.id)).count("meeting_reminder") == (
        reminders_before
    )

    await handle.execute_update(RelationshipWorkflow.coordinator_action, ResumeRelationship())
    resumed_at = await harness.env.get_current_time()
    state = await handle.query(RelationshipWorkflow.state)
    assert state.phase == Phase.ACTIVE
    pending = state.pending_meeting
    assert pending is not None
    assert pending.scheduled_at > resumed_at
    # Reminders still work once resumed: the silence above was the pause, not a broken reminder.
    await harness.env.sleep(pending.scheduled_at - resumed_at)
    reminders_after = (await outbox_templates(harness, handle.id)).count("meeting_reminder")
    assert reminders_after > reminders_before, "no meeting reminder after resuming"
