"""`decide`: the single entry point from a command (and the time) to new events."""

from datetime import datetime

from domain.commands import (
    AnswerPrompt,
    Command,
    EndRelationship,
    ExtendTerm,
    InvolvePartners,
    LeaveRelationship,
    MoveMeeting,
    OpenEscalation,
    PauseRelationship,
    ProposeAmendment,
    ProposeMutual,
    RaiseConcern,
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
    RequestPause,
    ResolveEscalation,
    ResumeEarly,
    ResumeRelationship,
    StartRelationship,
    Tick,
    WindDown,
)
from domain.decide_checkins import answer_checkin, answer_mutual_consent
from domain.decide_closing import answer_reflection
from domain.decide_contracting import answer_proposal, answer_review
from domain.decide_coordinator import (
    end_by_coordinator,
    extend_term,
    involve_partners,
    open_escalation_by_coordinator,
    pause_by_coordinator,
    resolve_escalation,
    resume_by_coordinator,
)
from domain.decide_hr import leave_ended, leave_started, manager_changed, participant_left
from domain.decide_meetings import answer_meeting_log
from domain.decide_onboarding import answer_onboarding
from domain.decide_participants import act_as_participant, answer_meeting_move
from domain.decide_proposal import answer_consent, start_relationship
from domain.decide_time import run_due_items
from domain.decide_winddown import wind_down
from domain.decision import Decision
from domain.errors import DomainError, ErrorCode
from domain.events import Event, PromptClosed
from domain.evolve import evolve
from domain.prompts import (
    CheckInAnswer,
    ClosingReflectionAnswer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    MeetingLogAnswer,
    MeetingMoveAnswer,
    MutualConsentAnswer,
    OnboardingAnswer,
)
from domain.state import RelationshipState
from domain.steps import reassess_health
from domain.validation import (
    is_duplicate_answer,
    require_aware,
    require_open_relationship,
    validate_answer,
)


def decide(state: RelationshipState, command: Command, now: datetime) -> list[Event]:
    """Events that follow from `command` at `now`; raises `DomainError` if it is not allowed.

    Anything that fell due before `now` is processed first (and again after the command), so
    a command never acts on a stale state even if the workflow's timer had not fired yet.
    """
    return decide_and_evolve(state, command, now)[0]


def decide_and_evolve(
    state: RelationshipState, command: Command, now: datetime
) -> tuple[list[Event], RelationshipState]:
    """`decide`, with the state its events lead to: exactly what folding them with `evolve`
    gives, which the decision already computed step by step (a simulation need not fold twice).
    Without events the state returned is `state` itself."""
    require_aware(now)
    if isinstance(command, AnswerPrompt) and is_duplicate_answer(state, command.answer_id):
        return [], state  # a retried answer: already applied, nothing new to say
    if isinstance(command, StartRelationship):
        events = start_relationship(state, command, now)
        for event in events:
            state = evolve(state, event)
        return events, state
    if isinstance(command, Tick) and (not state.started or state.is_terminal):
        return [], state
    require_open_relationship(state)
    if state.last_event_at is not None and now < state.last_event_at:
        raise DomainError(ErrorCode.CLOCK_REGRESSED, "Time went backwards for this relationship.")
    d = Decision(state, now)
    run_due_items(d, now)
    if not isinstance(command, Tick):
        require_open_relationship(d.state)
        _handle_command(d, command)
        reassess_health(d)
        run_due_items(d, now)
    return d.events, d.state


def _handle_command(d: Decision, command: Command) -> None:
    match command:
        case AnswerPrompt():
            _answer(d, command)
        case OpenEscalation():
            open_escalation_by_coordinator(d, command)
        case ResolveEscalation():
            resolve_escalation(d, command)
        case InvolvePartners():
            involve_partners(d, command)
        case PauseRelationship():
            pause_by_coordinator(d, command)
        case ResumeRelationship():
            resume_by_coordinator(d, command)
        case EndRelationship():
            end_by_coordinator(d, command)
        case ExtendTerm():
            extend_term(d, command)
        case RecordParticipantLeft():
            participant_left(d, command)
        case RecordManagerChange():
            manager_changed(d, command)
        case RecordLeaveStarted():
            leave_started(d, command)
        case RecordLeaveEnded():
            leave_ended(d, command)
        case WindDown():
            wind_down(d, command)
        case (
            RaiseConcern()
            | RequestPause()
            | ResumeEarly()
            | LeaveRelationship()
            | ProposeMutual()
            | ProposeAmendment()
            | MoveMeeting()
        ):
            act_as_participant(d, command)
        case StartRelationship() | Tick():
            raise AssertionError("handled in decide")


def _answer(d: Decision, command: AnswerPrompt) -> None:
    validate_answer(d.state, command, d.now)
    prompt = d.state.prompts[command.prompt_id]
    who = command.respondent_id
    d.emit(
        PromptClosed(
            occurred_at=d.now,
            prompt_id=prompt.prompt_id,
            recipient_id=who,
            reason="answered",
            answer_id=command.answer_id,
        )
    )
    match command.answer:
        case ConsentAnswer() as answer:
            answer_consent(d, who, answer)
        case OnboardingAnswer() as answer:
            answer_onboarding(d, who, answer)
        case ContractProposalAnswer() as answer:
            answer_proposal(d, who, answer)
        case ContractReviewAnswer() as answer:
            answer_review(d, prompt, who, answer)
        case MeetingLogAnswer() as answer:
            answer_meeting_log(d, prompt, who, answer)
        case CheckInAnswer() as answer:
            answer_checkin(d, prompt, who, answer)
        case MutualConsentAnswer() as answer:
            answer_mutual_consent(d, who, answer)
        case ClosingReflectionAnswer() as answer:
            answer_reflection(d, who, answer)
        case MeetingMoveAnswer() as answer:
            answer_meeting_move(d, prompt, who, answer)
