from datetime import timedelta

import pytest

from domain import (
    DomainError,
    ErrorCode,
    ExtendTerm,
    ManagerChangeRecorded,
    OpenEscalation,
    PauseRelationship,
    Phase,
    PromptKind,
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
    ResolveEscalation,
    ResumeRelationship,
    WindDown,
    next_due_at,
    notifications_for,
)
from domain.state import MeetingStatus
from tests.domain.support import MENTEE, MENTOR, Pair, reflection, types


def active_pair() -> Pair:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    return pair


def test_pause_stops_meeting_reminders_until_resume() -> None:
    pair = active_pair()
    first = pair.state.meetings[0]

    pair.send(PauseRelationship(reason="sabbatical"))

    assert pair.state.phase == Phase.PAUSED
    # The pair's clock stops; only the coordinator's reminder about the pause is due.
    policy = pair.state.policy
    assert next_due_at(pair.state) == pair.now + policy.pause_reminder_interval
    assert pair.state.meetings[0].status == MeetingStatus.CANCELLED
    passed = pair.advance(timedelta(hours=1))  # the meeting time passes silently
    assert set(types(passed)) == {"pause_reminder_due"}

    resumed_at = pair.now
    events = pair.send(ResumeRelationship())

    assert types(events)[:2] == ["relationship_resumed", "meeting_scheduled"]
    contract = pair.state.contract
    assert contract is not None
    new_meeting = pair.state.meetings[-1]
    assert new_meeting.number == 2
    assert new_meeting.scheduled_at == resumed_at + contract.terms.cadence
    assert new_meeting.scheduled_at > first.scheduled_at
    assert pair.state.next_checkin_at == resumed_at + pair.state.policy.checkin_interval


def test_pause_closes_open_meeting_prompts() -> None:
    pair = active_pair()
    pair.run_until_due()
    pair.run_until_due()
    assert pair.state.open_prompts

    pair.send(PauseRelationship())

    assert pair.state.open_prompts == ()
    assert pair.state.awaiting_response_from == ()


def test_pausing_twice_or_resuming_an_active_relationship_is_refused() -> None:
    pair = active_pair()
    with pytest.raises(DomainError):
        pair.send(ResumeRelationship())
    pair.send(PauseRelationship())
    with pytest.raises(DomainError):
        pair.send(PauseRelationship())


def test_participant_leaving_ends_the_relationship_early() -> None:
    pair = active_pair()

    pair.send(RecordParticipantLeft(participant_id=MENTEE))

    assert pair.state.phase == Phase.ENDED_EARLY
    assert pair.state.end_reason == "participant_left"
    assert pair.state.open_prompts == ()
    assert next_due_at(pair.state) is None
    # The mentor stays in the programme and is matched again; the mentee is not.
    assert pair.state.rematch_requested
    assert pair.state.left_participant_id == MENTEE


def test_unknown_participant_in_an_hr_event_is_refused() -> None:
    pair = active_pair()
    with pytest.raises(DomainError) as error:
        pair.send(RecordParticipantLeft(participant_id="emp-9999"))
    assert error.value.code == ErrorCode.UNKNOWN_PARTICIPANT


def test_hierarchy_conflict_pauses_and_escalates() -> None:
    pair = active_pair()

    # The mentor's new manager reports to the mentee: a reporting line through the chain.
    events = pair.send(
        RecordManagerChange(
            participant_id=MENTOR,
            new_manager_id="emp-7007",
            managers_above_new_manager=(MENTEE, "emp-9009"),
        )
    )

    recorded = next(e for e in events if isinstance(e, ManagerChangeRecorded))
    assert recorded.new_manager_id == "emp-7007"
    assert recorded.reporting_line_conflict
    assert pair.state.phase == Phase.PAUSED
    assert pair.state.pause_reason == "hierarchy_conflict"
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.reasons == ("hierarchy_conflict",)
    assert escalation.raised_by == "hr"

    pair.send(ResolveEscalation(resolution="continue"))
    after = pair.state  # a fresh name: the action changed the state
    assert after.phase == Phase.ACTIVE
    assert pair.state.pending_meeting is not None


def test_manager_change_without_conflict_changes_nothing() -> None:
    pair = active_pair()
    events = pair.send(
        RecordManagerChange(
            participant_id=MENTOR, new_manager_id="emp-7007", managers_above_new_manager=()
        )
    )
    assert types(events) == ["manager_change_recorded"]
    assert pair.state.phase == Phase.ACTIVE


def test_a_signal_recorded_before_manager_ids_keeps_its_conclusion() -> None:
    pair = active_pair()
    pair.send(RecordManagerChange(participant_id=MENTOR, reporting_line_conflict=True))
    assert pair.state.pause_reason == "hierarchy_conflict"


def test_end_of_leave_does_not_resume_into_an_unresolved_reporting_line_conflict() -> None:
    pair = active_pair()
    pair.send(RecordLeaveStarted(participant_id=MENTEE))
    pair.send(
        RecordManagerChange(
            participant_id=MENTOR, new_manager_id=MENTEE, managers_above_new_manager=()
        )
    )

    pair.send(RecordLeaveEnded(participant_id=MENTEE))

    assert pair.state.phase == Phase.PAUSED
    assert pair.state.pending_meeting is None
    with pytest.raises(DomainError):
        pair.send(ResumeRelationship())
    pair.send(ResolveEscalation(resolution="continue"))
    after = pair.state  # a fresh name: the action changed the state
    assert after.phase == Phase.ACTIVE


def test_a_long_pause_reminds_the_coordinator_then_ends() -> None:
    pair = active_pair()
    pair.send(PauseRelationship(reason="sabbatical"))
    policy = pair.state.policy
    paused_at = pair.now

    reminder = pair.run_until_due()
    assert types(reminder) == ["pause_reminder_due"]
    before = pair.state
    intents = notifications_for(before, reminder[0], pair.state)
    assert [(i.recipient_role, i.template) for i in intents] == [("coordinator", "pause_reminder")]

    pair.advance_to(paused_at + policy.max_pause)
    assert pair.state.phase == Phase.ENDED_EARLY
    assert pair.state.end_reason == "pause_limit_reached"


def test_an_escalation_opened_during_a_pause_still_goes_overdue() -> None:
    pair = active_pair()
    pair.send(RecordLeaveStarted(participant_id=MENTOR))
    pair.send(OpenEscalation())
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.respond_by is not None

    pair.advance_to(escalation.respond_by)

    overdue = pair.state.open_escalation
    assert overdue is not None
    assert overdue.level == 2


def test_leave_pauses_and_its_end_resumes() -> None:
    pair = active_pair()

    pair.send(RecordLeaveStarted(participant_id=MENTEE))
    assert pair.state.phase == Phase.PAUSED
    assert pair.state.pause_reason == "leave"
    assert pair.send(RecordLeaveStarted(participant_id=MENTEE)) == []  # resent by HR
    with pytest.raises(DomainError) as error:
        pair.send(ResumeRelationship())
    assert error.value.code == ErrorCode.PARTICIPANT_ON_LEAVE

    pair.advance(timedelta(minutes=30))
    pair.send(RecordLeaveEnded(participant_id=MENTEE))

    after = pair.state  # a fresh name: the action changed the state
    assert after.phase == Phase.ACTIVE
    assert pair.state.pending_meeting is not None


def test_leave_during_onboarding_resumes_into_onboarding_with_fresh_prompts() -> None:
    pair = Pair()
    pair.accept_match()
    pair.send(RecordLeaveStarted(participant_id=MENTOR))
    pair.advance(pair.state.policy.max_pause - timedelta(minutes=1))

    pair.send(RecordLeaveEnded(participant_id=MENTOR))

    assert pair.state.phase == Phase.ONBOARDING
    fresh = pair.prompt("onboarding:mentor:2")
    assert fresh.is_open
    assert fresh.issued_at == pair.now


def test_extending_the_term_moves_its_end() -> None:
    pair = active_pair()
    term_end = pair.state.term_end
    assert term_end is not None

    pair.send(ExtendTerm(new_term_end=term_end + timedelta(hours=1)))
    assert pair.state.term_end == term_end + timedelta(hours=1)

    with pytest.raises(DomainError) as error:
        pair.send(ExtendTerm(new_term_end=term_end))
    assert error.value.code == ErrorCode.INVALID_TERM_END


def test_programme_end_closes_a_running_term_without_renewal() -> None:
    pair = active_pair()
    pair.send(OpenEscalation())

    pair.send(WindDown(reason="programme_ended"))

    assert pair.state.phase == Phase.CLOSING
    assert not pair.state.escalation_open
    for who in (MENTOR, MENTEE):
        pair.answer(_reflection_prompt(pair, who), reflection(renew=True))
    ended = pair.state  # a fresh name: the answers changed the state
    assert ended.phase == Phase.COMPLETED


def test_programme_end_ends_a_pair_that_never_got_going() -> None:
    pair = Pair()
    pair.send(WindDown(reason="programme_cancelled"))
    assert pair.state.phase == Phase.ENDED_EARLY
    assert pair.state.end_reason == "programme_cancelled"
    assert not pair.state.rematch_requested


def _reflection_prompt(pair: Pair, who: str) -> str:
    return next(
        p.prompt_id
        for p in pair.state.open_prompts_of(PromptKind.CLOSING_REFLECTION)
        if p.recipient_id == who
    )
