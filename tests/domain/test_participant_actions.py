"""A participant acts between prompts: concern, pause and resume, leave, mutual, amend, move."""

from collections.abc import Mapping
from datetime import timedelta

import pytest

from domain import (
    DomainError,
    ErrorCode,
    GoalDirection,
    InvolvePartners,
    LeaveRelationship,
    MoveMeeting,
    Phase,
    PromptKind,
    ProposeAmendment,
    ProposeMutual,
    RaiseConcern,
    RequestPause,
    ResumeEarly,
    notifications_for,
)
from domain.evolve import evolve
from domain.prompts import ContractReviewAnswer, MeetingMoveAnswer, MutualConsentAnswer
from domain.state import MeetingStatus, Mode
from domain.views import participant_phase
from tests.domain.support import COORDINATOR, MENTEE, MENTOR, Pair, checkin, goal, terms, types

OUTSIDER = "emp-9999"


def active_pair(term: timedelta = timedelta(hours=3)) -> Pair:
    pair = Pair()
    pair.sign_contract(term=term)
    return pair


def refused(pair: Pair, command: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        pair.send(command)  # type: ignore[arg-type]
    return raised.value


def intents_of(pair: Pair, command: object) -> list[tuple[str, str, Mapping[str, object]]]:
    """Send a command and list (recipient, template, data) of every message it queues."""
    state = pair.state
    found: list[tuple[str, str, Mapping[str, object]]] = []
    for event in pair.send(command):  # type: ignore[arg-type]
        after = evolve(state, event)
        found += [
            (i.recipient_id, i.template, i.data) for i in notifications_for(state, event, after)
        ]
        state = after
    return found


def phase_of(pair: Pair) -> Phase:
    return pair.state.phase


def hold_meetings(pair: Pair, count: int) -> None:
    for _ in range(count):
        pending = pair.state.pending_meeting
        assert pending is not None
        pair.advance_to(pending.ends_at)
        pair.log_meeting(pending.number)


# -- who may act --------------------------------------------------------------------------------


def test_someone_outside_the_pair_cannot_act_on_it() -> None:
    pair = active_pair()
    assert (
        refused(pair, RaiseConcern(participant_id=OUTSIDER)).code == ErrorCode.UNKNOWN_PARTICIPANT
    )


def test_an_ended_relationship_takes_no_more_requests() -> None:
    pair = active_pair()
    pair.send(LeaveRelationship(participant_id=MENTOR))
    error = refused(pair, RaiseConcern(participant_id=MENTEE))
    assert error.code == ErrorCode.RELATIONSHIP_CLOSED


# -- a concern ----------------------------------------------------------------------------------


def test_a_concern_opens_a_case_for_the_coordinator_with_the_private_note() -> None:
    pair = active_pair()
    messages = intents_of(pair, RaiseConcern(participant_id=MENTEE, note="he talks over me"))
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.reasons == ("participant_concern",)
    assert escalation.raised_by == MENTEE
    assert escalation.private_note == "he talks over me"
    # Nobody is told anything yet; staff hear of it from the case itself.
    assert messages == []
    # Both people keep seeing the relationship as it was.
    assert participant_phase(pair.state) == Phase.ACTIVE


def test_a_second_concern_joins_the_open_case_instead_of_being_refused() -> None:
    pair = active_pair()
    pair.send(RaiseConcern(participant_id=MENTEE, note="first"))
    messages = intents_of(pair, RaiseConcern(participant_id=MENTOR, note="second"))
    assert types(pair.events[-1:]) == ["concern_raised"]
    assert [(to, template) for to, template, _ in messages] == [(COORDINATOR, "concern_raised")]
    assert len(pair.state.escalations) == 1


def test_a_concern_is_shown_to_both_once_the_coordinator_involves_them() -> None:
    pair = active_pair()
    pair.send(RaiseConcern(participant_id=MENTOR))
    pair.send(InvolvePartners())
    assert participant_phase(pair.state) == Phase.MEDIATION


# -- pause and resume ---------------------------------------------------------------------------


def test_a_requested_pause_ends_by_itself_on_the_date_given() -> None:
    pair = active_pair()
    until = pair.now + timedelta(minutes=45)
    messages = intents_of(pair, RequestPause(participant_id=MENTEE, until=until, reason="surgery"))
    assert pair.state.phase == Phase.PAUSED
    assert pair.state.pause_reason == "participant_request"
    assert pair.state.meetings[0].status == MeetingStatus.CANCELLED
    # The partner hears of the pause and its end date, never the reason.
    to_mentor = [(template, data) for to, template, data in messages if to == MENTOR]
    assert {template for template, _ in to_mentor} == {"relationship_paused", "pause_until"}
    assert all("surgery" not in str(data) for _, data in to_mentor)
    to_coordinator = [data for to, t, data in messages if t == "pause_requested"]
    assert to_coordinator[0]["private_note"] == "surgery"

    pair.advance_to(until)

    assert phase_of(pair) == Phase.ACTIVE
    assert pair.state.pending_meeting is not None


def test_a_pause_is_bounded_by_the_programmes_maximum() -> None:
    pair = active_pair()
    too_long = pair.now + pair.state.policy.max_pause + timedelta(minutes=1)
    error = refused(pair, RequestPause(participant_id=MENTEE, until=too_long))
    assert "at most" in error.message
    assert refused(pair, RequestPause(participant_id=MENTEE, until=pair.now)).code == (
        ErrorCode.INVALID_ANSWER
    )


def test_a_pause_of_the_longest_length_resumes_rather_than_ending() -> None:
    pair = active_pair(term=timedelta(hours=6))
    until = pair.now + pair.state.policy.max_pause
    pair.send(RequestPause(participant_id=MENTEE, until=until))
    pair.advance_to(until)
    assert pair.state.phase == Phase.ACTIVE


def test_the_person_who_paused_can_come_back_early_and_only_they() -> None:
    pair = active_pair()
    pair.send(RequestPause(participant_id=MENTEE, until=pair.now + timedelta(hours=1)))
    pair.now += timedelta(minutes=5)
    assert refused(pair, ResumeEarly(participant_id=MENTOR)).code == ErrorCode.WRONG_PHASE

    events = pair.send(ResumeEarly(participant_id=MENTEE))

    assert types(events)[0] == "relationship_resumed"
    assert pair.state.phase == Phase.ACTIVE
    assert pair.state.pause_resume_at is None


def test_a_leave_during_a_requested_pause_holds_the_pair_past_the_date() -> None:
    from domain import RecordLeaveEnded, RecordLeaveStarted

    pair = active_pair()
    until = pair.now + timedelta(minutes=20)
    pair.send(RequestPause(participant_id=MENTEE, until=until))
    pair.send(RecordLeaveStarted(participant_id=MENTOR))
    pair.advance_to(until + timedelta(minutes=5))
    assert pair.state.phase == Phase.PAUSED
    pair.send(RecordLeaveEnded(participant_id=MENTOR))
    pair.advance(timedelta(minutes=1))
    assert phase_of(pair) == Phase.ACTIVE


def test_a_coordinator_pause_cannot_be_ended_by_a_participant() -> None:
    from domain import PauseRelationship

    pair = active_pair()
    pair.send(PauseRelationship())
    assert refused(pair, ResumeEarly(participant_id=MENTEE)).code == ErrorCode.WRONG_PHASE


# -- leaving ------------------------------------------------------------------------------------


def test_leaving_ends_without_fault_and_offers_the_partner_a_rematch() -> None:
    pair = active_pair()
    messages = intents_of(pair, LeaveRelationship(participant_id=MENTOR, reason="new job"))
    state = pair.state
    assert state.phase == Phase.ENDED_EARLY
    assert state.end_reason == "participant_withdrew"
    assert state.rematch_requested
    assert state.left_participant_id == MENTOR
    to_mentee = [(template, data) for to, template, data in messages if to == MENTEE]
    assert to_mentee == [
        (
            "relationship_ended",
            {
                "relationship_id": "rel-1",
                "participant_role": "mentee",
                "reason": "ended",
                "rematch_offered": True,
            },
        )
    ]
    private = [data for to, t, data in messages if t == "participant_withdrew"]
    assert private[0]["private_note"] == "new job"
    assert all("new job" not in str(data) for to, _, data in messages if to != COORDINATOR)


def test_before_the_match_is_agreed_a_person_declines_rather_than_leaves() -> None:
    pair = Pair()
    assert refused(pair, LeaveRelationship(participant_id=MENTEE)).code == ErrorCode.WRONG_PHASE


# -- mutual mentoring ---------------------------------------------------------------------------


def back_goal() -> tuple:  # type: ignore[type-arg]
    return (goal(20, GoalDirection.MENTEE_TO_MENTOR),)


def test_mutual_can_be_proposed_only_after_enough_meetings() -> None:
    pair = active_pair()
    error = refused(pair, ProposeMutual(participant_id=MENTEE, goals=back_goal()))
    assert "after 2 meetings" in error.message
    hold_meetings(pair, 2)

    pair.send(ProposeMutual(participant_id=MENTEE, goals=back_goal()))

    prompts = pair.state.open_prompts_of(PromptKind.MUTUAL_CONSENT)
    assert [p.recipient_id for p in prompts] == [MENTOR]
    pair.answer(prompts[0].prompt_id, MutualConsentAnswer(consent=True))
    assert pair.state.mode == Mode.MUTUAL


def test_after_a_refusal_mutual_can_be_asked_again_after_a_cool_down() -> None:
    pair = active_pair(term=timedelta(hours=6))
    hold_meetings(pair, 2)
    pair.send(ProposeMutual(participant_id=MENTEE, goals=back_goal()))
    prompt = pair.state.open_prompts_of(PromptKind.MUTUAL_CONSENT)[0]
    pair.answer(prompt.prompt_id, MutualConsentAnswer(consent=False))

    error = refused(pair, ProposeMutual(participant_id=MENTOR))
    assert "3 more meeting(s)" in error.message
    hold_meetings(pair, 3)

    pair.send(ProposeMutual(participant_id=MENTOR, goals=back_goal()))
    assert pair.state.open_prompts_of(PromptKind.MUTUAL_CONSENT)[0].recipient_id == MENTEE


def test_the_old_checkin_path_still_stops_after_a_refusal() -> None:
    pair = active_pair(term=timedelta(hours=6))
    hold_meetings(pair, 1)
    pair.advance_to_checkin()
    pair.answer("checkin:1:mentee", checkin(both_ways=True, other_goals=back_goal()))
    prompt = pair.state.open_prompts_of(PromptKind.MUTUAL_CONSENT)[0]
    pair.answer(prompt.prompt_id, MutualConsentAnswer(consent=False))
    assert pair.state.mutual_declined_in_term


# -- amending the contract ----------------------------------------------------------------------


def test_an_amendment_takes_force_once_the_partner_signs_it() -> None:
    pair = active_pair()
    new_terms = terms(pair.now, goals=3, term=timedelta(hours=4))
    pair.send(ProposeAmendment(participant_id=MENTEE, terms=new_terms))

    assert pair.state.contract_in_force == 1  # the current contract stands meanwhile
    assert pair.state.phase == Phase.ACTIVE
    review = pair.state.open_prompts_of(PromptKind.CONTRACT_REVIEW)[0]
    assert review.recipient_id == MENTOR
    pair.answer(review.prompt_id, ContractReviewAnswer(decision="accept"))

    assert pair.state.contract_in_force == 2
    assert pair.state.term_end == new_terms.term_end
    assert pair.state.phase == Phase.ACTIVE


def test_a_concern_leaves_an_amendment_under_review_open_for_the_partner() -> None:
    pair = active_pair()
    pair.send(ProposeAmendment(participant_id=MENTEE, terms=terms(pair.now, goals=3)))
    pair.send(RaiseConcern(participant_id=MENTEE, note="private"))
    review = pair.state.open_prompts_of(PromptKind.CONTRACT_REVIEW)
    assert [p.recipient_id for p in review] == [MENTOR], "the reviewer's page must not change"
    pair.answer(review[0].prompt_id, ContractReviewAnswer(decision="accept"))
    assert pair.state.contract_in_force == 2
    assert pair.state.phase == Phase.MEDIATION


def test_an_unsigned_amendment_leaves_the_contract_standing() -> None:
    pair = active_pair()
    pair.send(ProposeAmendment(participant_id=MENTOR, terms=terms(pair.now, goals=1)))
    error = refused(pair, ProposeAmendment(participant_id=MENTEE, terms=terms(pair.now)))
    assert "already waiting" in error.message
    review = pair.state.open_prompts_of(PromptKind.CONTRACT_REVIEW)[0]
    pair.advance_to(review.due_at)
    assert pair.state.contract_in_force == 1
    assert pair.state.phase == Phase.ACTIVE
    assert not pair.state.escalation_open


def test_an_amendment_needs_valid_terms_and_a_contract_in_force() -> None:
    pair = Pair()
    pair.onboard()
    assert refused(pair, ProposeAmendment(participant_id=MENTOR, terms=terms(pair.now))).code == (
        ErrorCode.WRONG_PHASE
    )
    pair = active_pair()
    bad = terms(pair.now, term=timedelta(minutes=1))
    assert refused(pair, ProposeAmendment(participant_id=MENTOR, terms=bad)).code == (
        ErrorCode.INVALID_CONTRACT
    )


# -- moving the next meeting --------------------------------------------------------------------


def test_a_confirmed_move_reschedules_the_meeting() -> None:
    pair = active_pair()
    meeting = pair.state.pending_meeting
    assert meeting is not None
    to = meeting.scheduled_at + timedelta(minutes=7)
    pair.send(MoveMeeting(participant_id=MENTEE, to=to))

    prompt = pair.state.open_prompts_of(PromptKind.MEETING_MOVE)[0]
    assert prompt.recipient_id == MENTOR
    assert prompt.context.proposed_at == to
    events = pair.answer(prompt.prompt_id, MeetingMoveAnswer(confirm=True))

    assert "meeting_rescheduled" in types(events)
    moved = pair.state.meeting(meeting.number)
    assert moved.scheduled_at == to
    assert moved.revision == 1
    assert pair.state.meeting_move is None


def test_a_declined_move_keeps_the_agreed_time_and_tells_the_requester() -> None:
    pair = active_pair()
    meeting = pair.state.pending_meeting
    assert meeting is not None
    pair.send(MoveMeeting(participant_id=MENTEE, to=meeting.scheduled_at + timedelta(minutes=7)))
    prompt = pair.state.open_prompts_of(PromptKind.MEETING_MOVE)[0]

    state = pair.state
    events = pair.answer(prompt.prompt_id, MeetingMoveAnswer(confirm=False))

    assert pair.state.meeting(meeting.number).scheduled_at == meeting.scheduled_at
    declined = next(e for e in events if e.type == "meeting_move_declined")
    before = evolve(state, events[0])
    messages = notifications_for(before, declined, evolve(before, declined))
    assert [(m.recipient_id, m.template) for m in messages] == [(MENTEE, "meeting_move_declined")]


def test_an_unanswered_move_lapses_when_the_meeting_comes() -> None:
    pair = active_pair()
    meeting = pair.state.pending_meeting
    assert meeting is not None
    pair.send(MoveMeeting(participant_id=MENTOR, to=meeting.scheduled_at + timedelta(minutes=7)))
    pair.advance_to(meeting.scheduled_at)
    assert pair.state.meeting_move is None
    assert pair.state.meeting(meeting.number).scheduled_at == meeting.scheduled_at
    assert "meeting_move_declined" in types(pair.events)


def test_a_move_must_fit_the_term_and_wait_for_the_first_to_be_answered() -> None:
    pair = active_pair()
    meeting = pair.state.pending_meeting
    assert meeting is not None
    too_late = pair.state.term_end
    assert too_late is not None
    assert refused(pair, MoveMeeting(participant_id=MENTEE, to=too_late)).code == (
        ErrorCode.INVALID_ANSWER
    )
    pair.send(MoveMeeting(participant_id=MENTEE, to=meeting.scheduled_at + timedelta(minutes=3)))
    error = refused(pair, MoveMeeting(participant_id=MENTOR, to=meeting.scheduled_at))
    assert "already waiting" in error.message


def test_a_pause_withdraws_an_open_move() -> None:
    pair = active_pair()
    meeting = pair.state.pending_meeting
    assert meeting is not None
    pair.send(MoveMeeting(participant_id=MENTEE, to=meeting.scheduled_at + timedelta(minutes=3)))
    pair.send(RequestPause(participant_id=MENTOR, until=pair.now + timedelta(minutes=30)))
    assert pair.state.meeting_move is None
    assert not pair.state.open_prompts_of(PromptKind.MEETING_MOVE)
