"""What one of the pair can ask for at any time, between the prompts the workflow sends.

Rules are judged on the phase the two people see (`participant_phase`): a mediation they were
not told of must not make a request fail for one and not the other, or a refusal would name
who raised the concern.
"""

from domain.commands import (
    LeaveRelationship,
    MoveMeeting,
    ParticipantCommand,
    ProposeAmendment,
    ProposeMutual,
    RaiseConcern,
    RequestPause,
    ResumeEarly,
)
from domain.contract import ContractReason
from domain.decision import Decision
from domain.errors import DomainError, ErrorCode
from domain.events import (
    ConcernRaised,
    ContractProposed,
    MeetingMoveDeclined,
    MeetingMoveRequested,
    MeetingRescheduled,
    MutualProposed,
    ParticipantWithdrew,
    PauseRequested,
)
from domain.prompt_issue import issue_contract_review, issue_meeting_move, issue_mutual_consent
from domain.prompts import MeetingMoveAnswer, Prompt, PromptKind
from domain.state import MeetingStatus, Mode, Phase, Severity
from domain.steps import end_early, open_escalation, pause, resume
from domain.validation import check_other_direction, validate_terms
from domain.views import participant_phase

CONCERN = "participant_concern"
PAUSE_REQUESTED = "participant_request"
WITHDREW = "participant_withdrew"

# Phases a pause can be asked from: before consent there is nothing to pause (decline instead).
_PAUSABLE = frozenset({Phase.ONBOARDING, Phase.CONTRACTING, Phase.ACTIVE, Phase.CLOSING})


def _refuse(message: str, code: ErrorCode = ErrorCode.WRONG_PHASE) -> DomainError:
    return DomainError(code, message)


def act_as_participant(d: Decision, command: ParticipantCommand) -> None:
    if d.state.role_of(command.participant_id) is None:
        raise _refuse(
            "That person is not part of this relationship.", ErrorCode.UNKNOWN_PARTICIPANT
        )
    match command:
        case RaiseConcern():
            raise_concern(d, command)
        case RequestPause():
            request_pause(d, command)
        case ResumeEarly():
            resume_early(d, command)
        case LeaveRelationship():
            leave(d, command)
        case ProposeMutual():
            propose_mutual(d, command)
        case ProposeAmendment():
            propose_amendment(d, command)
        case MoveMeeting():
            move_meeting(d, command)


# -- a concern --------------------------------------------------------------------------------


def raise_concern(d: Decision, command: RaiseConcern) -> None:
    """Opens a case as a check-in tension does; with one open already, the note joins it.

    Never refused for an open case: that refusal would tell the person someone else raised one.
    """
    who = command.participant_id
    if open_escalation(d, (CONCERN,), Severity.MEDIUM, raised_by=who, note=command.note):
        return
    escalation = d.state.open_escalation
    assert escalation is not None  # open_escalation only declines when one is open
    d.emit(
        ConcernRaised(
            occurred_at=d.now,
            participant_id=who,
            escalation_id=escalation.escalation_id,
            private_note=command.note,
        )
    )


# -- pause, resume, leave ---------------------------------------------------------------------


def request_pause(d: Decision, command: RequestPause) -> None:
    state = d.state
    if state.phase == Phase.PAUSED:
        raise _refuse("The relationship is already paused.")
    if participant_phase(state) not in _PAUSABLE:
        raise _refuse("A pause can be asked for once both have accepted the match.")
    if command.until <= d.now:
        raise _refuse("The pause must end in the future.", ErrorCode.INVALID_ANSWER)
    if command.until > d.now + d.policy.max_pause:
        days = d.policy.max_pause.total_seconds() / 86400
        raise _refuse(
            f"A pause lasts at most {days:g} days in this programme.", ErrorCode.INVALID_ANSWER
        )
    pause(d, PAUSE_REQUESTED)
    d.emit(
        PauseRequested(
            occurred_at=d.now,
            participant_id=command.participant_id,
            resume_at=command.until,
            private_note=command.reason,
        )
    )


def resume_early(d: Decision, command: ResumeEarly) -> None:
    state = d.state
    if state.phase != Phase.PAUSED or state.pause_requested_by is None:
        raise _refuse("Only a pause one of you asked for can be ended early.")
    if state.pause_requested_by != command.participant_id:
        raise _refuse("Only the person who asked for the pause can end it early.")
    if state.on_leave or state.reporting_line_conflict_open:
        raise _refuse("The coordinator has to settle something first; please ask them.")
    resume(d)


def end_requested_pause(d: Decision) -> None:
    """The date the person gave has come: back to where the pause began."""
    resume(d)


def leave(d: Decision, command: LeaveRelationship) -> None:
    if d.state.phase == Phase.PROPOSED:
        raise _refuse("The match is not agreed yet: decline it instead.")
    who = command.participant_id
    d.emit(ParticipantWithdrew(occurred_at=d.now, participant_id=who, private_note=command.reason))
    # As when someone leaves the organisation: only the partner who stays is matched again.
    end_early(d, WITHDREW, rematch=True, left_participant_id=who)


# -- mutual mentoring and amendments ----------------------------------------------------------


def propose_mutual(d: Decision, command: ProposeMutual) -> None:
    state = d.state
    if state.mode != Mode.REVERSE:
        raise _refuse("Learning already goes both ways.")
    if participant_phase(state) != Phase.ACTIVE:
        raise _refuse("Mutual mentoring can be proposed while meetings run.")
    if state.mutual_proposal is not None:
        raise _refuse("Mutual mentoring is already proposed; the answer is awaited.")
    held = state.meetings_held_in_term
    policy = d.policy
    if held < policy.mutual_min_meetings:
        raise _refuse(
            f"Mutual mentoring can be proposed after {policy.mutual_min_meetings} meetings"
            f" (held so far: {held})."
        )
    if state.mutual_declined_at_held is not None:
        again_at = state.mutual_declined_at_held + policy.mutual_retry_after_meetings
        if held < again_at:
            raise _refuse(
                f"It was declined recently; it can be asked again after {again_at - held}"
                " more meeting(s)."
            )
    check_other_direction(state, command.goals)
    who = command.participant_id
    d.emit(MutualProposed(occurred_at=d.now, proposed_by=who, goals=command.goals))
    issue_mutual_consent(d, state.partner_of(who))


def propose_amendment(d: Decision, command: ProposeAmendment) -> None:
    state = d.state
    if participant_phase(state) != Phase.ACTIVE or state.contract is None:
        raise _refuse("A contract can be amended while it is in force and meetings run.")
    if state.open_prompts_of(PromptKind.CONTRACT_PROPOSAL, PromptKind.CONTRACT_REVIEW):
        raise _refuse("A contract version is already waiting for a signature.")
    if state.on_leave:
        raise _refuse("Not while one of you is on leave.", ErrorCode.PARTICIPANT_ON_LEAVE)
    validate_terms(state, command.terms, d.now)
    # Proposing is the proposer's signature; the partner signs through the review prompt,
    # and until then the contract in force stands.
    d.emit(
        ContractProposed(
            occurred_at=d.now,
            version=len(state.contracts) + 1,
            terms=command.terms,
            proposed_by=command.participant_id,
            reason=ContractReason.AMENDMENT,
        )
    )
    issue_contract_review(d, d.state.contracts[-1])


# -- moving the next meeting ------------------------------------------------------------------


def move_meeting(d: Decision, command: MoveMeeting) -> None:
    state = d.state
    meeting = state.pending_meeting
    contract = state.contract
    if participant_phase(state) != Phase.ACTIVE or contract is None or state.term_end is None:
        raise _refuse("Meetings can be moved while they run.")
    if (
        meeting is None
        or meeting.status != MeetingStatus.SCHEDULED
        or meeting.scheduled_at <= d.now
    ):
        raise _refuse("There is no upcoming meeting to move.")
    if state.meeting_move is not None:
        raise _refuse("A move of this meeting is already waiting for an answer.")
    invalid = ErrorCode.INVALID_ANSWER
    if command.to <= d.now:
        raise _refuse("The new meeting time must be in the future.", invalid)
    if command.to == meeting.scheduled_at:
        raise _refuse("That is the time already agreed.", invalid)
    if command.to + contract.terms.meeting_length > state.term_end:
        raise _refuse("The new meeting time must fall before the end of the term.", invalid)
    who = command.participant_id
    d.emit(
        MeetingMoveRequested(
            occurred_at=d.now,
            meeting_number=meeting.number,
            requested_by=who,
            scheduled_at=command.to,
        )
    )
    issue_meeting_move(d, state.partner_of(who), meeting, command.to)


def answer_meeting_move(d: Decision, prompt: Prompt, who: str, answer: MeetingMoveAnswer) -> None:
    move = d.state.meeting_move
    assert move is not None  # checked by validate_answer
    if not answer.confirm:
        d.emit(
            MeetingMoveDeclined(
                occurred_at=d.now, meeting_number=move.meeting_number, declined_by=who
            )
        )
        return
    contract = d.state.contract
    assert contract is not None  # meetings are only scheduled under a contract
    meeting = d.state.meeting(move.meeting_number)
    # The calendar series follows this event: the updated invite goes out unchanged.
    d.emit(
        MeetingRescheduled(
            occurred_at=d.now,
            meeting_number=move.meeting_number,
            previous_scheduled_at=meeting.scheduled_at,
            scheduled_at=move.scheduled_at,
            ends_at=move.scheduled_at + contract.terms.meeting_length,
            reminder_at=max(move.scheduled_at - d.policy.meeting_reminder_lead, d.now),
            requested_by=move.requested_by,
        )
    )


def after_meeting_move_expired(d: Decision, prompt: Prompt) -> None:
    move = d.state.meeting_move
    if move is not None and move.meeting_number == prompt.context.meeting_number:
        d.emit(
            MeetingMoveDeclined(
                occurred_at=d.now,
                meeting_number=move.meeting_number,
                declined_by=prompt.recipient_id,
                expired=True,
            )
        )
