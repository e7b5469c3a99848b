"""`evolve`: the pure fold from one state and one event to the next state.

Handlers only record facts; every decision (what follows from what) lives in the decider, so
replaying stored events can never take a different path.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, assert_never

from domain.assessment import HealthAssessment
from domain.contract import ContractStatus, ContractVersion
from domain.events import (
    BriefingAcknowledged,
    CheckInRoundOpened,
    CheckInScheduled,
    CheckInSubmitted,
    ClosingStarted,
    ConcernRaised,
    ContractCounterProposed,
    ContractingStarted,
    ContractProposed,
    ContractSigned,
    EscalationOpened,
    EscalationOverdue,
    EscalationResolved,
    Event,
    HealthAssessed,
    ManagerChangeRecorded,
    MatchAccepted,
    MatchDeclined,
    MeetingCancelled,
    MeetingHeld,
    MeetingLogSubmitted,
    MeetingMissed,
    MeetingMoveDeclined,
    MeetingMoveRequested,
    MeetingReminderDue,
    MeetingRescheduled,
    MeetingScheduled,
    ModeBecameMutual,
    MutualDeclined,
    MutualProposed,
    OnboardingStarted,
    ParticipantLeaveEnded,
    ParticipantLeaveStarted,
    ParticipantWithdrew,
    PartnersInvolved,
    PauseReminderDue,
    PauseRequested,
    PromptClosed,
    PromptExpired,
    PromptIssued,
    PromptReminderDue,
    ProposalExpired,
    RecognitionGranted,
    ReflectionSubmitted,
    RelationshipCompleted,
    RelationshipEndedEarly,
    RelationshipPaused,
    RelationshipProposed,
    RelationshipResumed,
    TermExtended,
    TermRenewed,
    WindDownStarted,
)
from domain.prompts import Prompt, PromptKind, PromptStatus
from domain.state import (
    CheckInRecord,
    Escalation,
    EscalationStatus,
    Meeting,
    MeetingMove,
    MeetingStatus,
    Mode,
    MutualProposal,
    Phase,
    Recognition,
    Reflection,
    RelationshipState,
)


def evolve(state: RelationshipState, event: Event) -> RelationshipState:
    applied = _apply(state, event)
    stamp = {"last_event_at": event.occurred_at}
    if applied is state:
        return state.model_copy(update=stamp)
    # The handler's own new copy: stamped in place, one copy per event rather than two.
    return applied.amend_new_copy(**stamp)


def apply_all(state: RelationshipState, events: Iterable[Event]) -> RelationshipState:
    for event in events:
        state = evolve(state, event)
    return state


# -- small replace helpers (the state is frozen) ----------------------------------------------


def _with_prompt_status(
    state: RelationshipState, prompt_id: str, status: PromptStatus, at: datetime
) -> RelationshipState:
    prompt = state.prompts[prompt_id].model_copy(update={"status": status, "closed_at": at})
    return _with_prompt(state, prompt)


def _with_prompt(state: RelationshipState, prompt: Prompt) -> RelationshipState:
    """The state with `prompt` issued or changed. A year's prompts pile up while only a few are
    open: the open ones and the unanswered streaks follow from the change itself rather than
    from another scan of them all, wherever the state already knew them."""
    before = state.prompts.get(prompt.prompt_id)
    derived: dict[str, object] = {}
    open_before = state.known_derived("open_prompts")
    if open_before is not None:
        open_after = _open_after(open_before, before, prompt)
        if open_after is not None:
            derived["open_prompts"] = open_after
    prompts = {**state.prompts, prompt.prompt_id: prompt}
    streaks = state.known_derived("unanswered_streaks")
    if streaks is not None:
        streaks = _streaks_after(streaks, prompts, before, prompt)
        if streaks is not None:
            derived["unanswered_streaks"] = streaks
    return state.model_copy(update={"prompts": prompts}, derived=derived)


def _open_after(
    open_before: tuple[Prompt, ...], before: Prompt | None, after: Prompt
) -> tuple[Prompt, ...] | None:
    """The open prompts, in issue order, once `before` became `after` (None: scan again)."""
    if before is None:  # a new prompt goes to the end of the issue order
        return (*open_before, after) if after.is_open else open_before
    if not before.is_open:
        # Reopened, it would go back to its place among the others: too rare to work out.
        return None if after.is_open else open_before
    if after.is_open:
        return tuple(after if p.prompt_id == after.prompt_id else p for p in open_before)
    return tuple(p for p in open_before if p.prompt_id != after.prompt_id)


def _streaks_after(
    streaks: dict[str, int], prompts: dict[str, Prompt], before: Prompt | None, after: Prompt
) -> dict[str, int] | None:
    """The unanswered streaks once an open prompt was answered or expired (None: scan again).

    A streak counts the expiries since the person's last answer, in issue order, so only the
    person's prompts issued after this one matter: a few, read from the end."""
    if _streak_mark(before) == _streak_mark(after):
        return streaks
    if before is None or before.status != PromptStatus.OPEN:
        return None  # an answer or expiry changed again: never happens, not worth working out
    person = after.recipient_id
    later: list[PromptStatus] = []
    for prompt in reversed(prompts.values()):
        if prompt.prompt_id == after.prompt_id:
            break
        if prompt.recipient_id == person:
            later.append(prompt.status)
    if PromptStatus.ANSWERED in later:
        return streaks  # the person answered a later prompt: that answer starts the streak
    if after.status == PromptStatus.ANSWERED:
        return {**streaks, person: later.count(PromptStatus.EXPIRED)}
    return {**streaks, person: streaks.get(person, 0) + 1}


def _streak_mark(prompt: Prompt | None) -> tuple[str, PromptStatus] | None:
    """What a prompt contributes to the unanswered streaks: only answers and expiries count."""
    if prompt is None or prompt.status not in (PromptStatus.ANSWERED, PromptStatus.EXPIRED):
        return None
    return (prompt.recipient_id, prompt.status)


def _with_meeting(state: RelationshipState, number: int, **changes: Any) -> RelationshipState:
    meetings = list(state.meetings)
    before = meetings[number - 1]
    meetings[number - 1] = after = before.model_copy(update=changes)
    return _with_meetings(state, tuple(meetings), _held_or_missed(before) == _held_or_missed(after))


def _with_meetings(
    state: RelationshipState, meetings: tuple[Meeting, ...], same_outcomes: bool
) -> RelationshipState:
    """The state with these meetings. The health reasons of the term's meetings read only those
    held or missed: a change that leaves them alone (scheduled, reminded, awaiting a log, moved)
    keeps what the state knew of them."""
    derived: dict[str, object] = {}
    reasons = state.known_derived("meeting_reasons_of_term")
    if reasons is not None and same_outcomes:
        derived["meeting_reasons_of_term"] = reasons
    return state.model_copy(update={"meetings": meetings}, derived=derived)


def _held_or_missed(meeting: Meeting) -> tuple[MeetingStatus, int, datetime] | None:
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.MISSED):
        return None
    return (meeting.status, meeting.term_number, meeting.scheduled_at)


def _with_contract(state: RelationshipState, version: int, **changes: Any) -> RelationshipState:
    contracts = list(state.contracts)
    contracts[version - 1] = contracts[version - 1].model_copy(update=changes)
    return state.model_copy(update={"contracts": tuple(contracts)})


def _with_escalation(
    state: RelationshipState, escalation_id: str, **changes: Any
) -> RelationshipState:
    escalations = tuple(
        e.model_copy(update=changes) if e.escalation_id == escalation_id else e
        for e in state.escalations
    )
    return state.model_copy(update={"escalations": escalations})


def _ended(
    state: RelationshipState,
    phase: Phase,
    reason: str,
    rematch: bool,
    left_participant_id: str | None = None,
) -> RelationshipState:
    return state.model_copy(
        update={
            "phase": phase,
            "end_reason": reason,
            "rematch_requested": rematch,
            "left_participant_id": left_participant_id,
            "next_checkin_at": None,
            "paused_from": None,
            "paused_at": None,
            "mediation_from": None,
            "pause_requested_by": None,
            "pause_resume_at": None,
            "meeting_move": None,
        }
    )


# -- proposal ---------------------------------------------------------------------------------


def _proposed(state: RelationshipState, e: RelationshipProposed) -> RelationshipState:
    return state.model_copy(update={"proposed_at": e.occurred_at, "phase": Phase.PROPOSED})


def _accepted(state: RelationshipState, e: MatchAccepted) -> RelationshipState:
    return state.model_copy(update={"accepted_by": (*state.accepted_by, e.participant_id)})


def _declined(state: RelationshipState, e: MatchDeclined) -> RelationshipState:
    return _ended(state, Phase.DECLINED, "declined", e.rematch_requested)


def _proposal_expired(state: RelationshipState, e: ProposalExpired) -> RelationshipState:
    return _ended(state, Phase.DECLINED, "expired", e.rematch_requested)


# -- prompts ----------------------------------------------------------------------------------


def _prompt_issued(state: RelationshipState, e: PromptIssued) -> RelationshipState:
    state = _with_prompt(state, e.prompt)
    meeting_number = e.prompt.context.meeting_number
    if e.prompt.kind == PromptKind.MEETING_LOG and meeting_number is not None:
        meeting = state.meeting(meeting_number)
        if meeting.status == MeetingStatus.SCHEDULED:
            state = _with_meeting(state, meeting_number, status=MeetingStatus.AWAITING_LOG)
    return state


def _prompt_reminded(state: RelationshipState, e: PromptReminderDue) -> RelationshipState:
    prompt = state.prompts[e.prompt_id].model_copy(update={"reminder_sent": True})
    return _with_prompt(state, prompt)


def _prompt_closed(state: RelationshipState, e: PromptClosed) -> RelationshipState:
    answered = e.reason == "answered"
    status = PromptStatus.ANSWERED if answered else PromptStatus.CLOSED
    kind = state.prompts[e.prompt_id].kind
    # A new copy of the state, which the lines below may amend rather than copy again.
    state = _with_prompt_status(state, e.prompt_id, status, e.occurred_at)
    if answered and e.answer_id is not None:
        state = state.amend_new_copy(
            processed_answer_ids=(*state.processed_answer_ids, e.answer_id)
        )
    if kind == PromptKind.MUTUAL_CONSENT and not answered:
        # The question was withdrawn (pause, end): nobody refused, so it may be asked again.
        state = state.amend_new_copy(mutual_proposal=None)
    if kind == PromptKind.MEETING_MOVE and not answered:
        state = state.amend_new_copy(meeting_move=None)
    return state


def _prompt_expired(state: RelationshipState, e: PromptExpired) -> RelationshipState:
    return _with_prompt_status(state, e.prompt_id, PromptStatus.EXPIRED, e.occurred_at)


# -- onboarding and contract ------------------------------------------------------------------


def _onboarding_started(state: RelationshipState, _: OnboardingStarted) -> RelationshipState:
    return state.model_copy(update={"phase": Phase.ONBOARDING})


def _briefed(state: RelationshipState, e: BriefingAcknowledged) -> RelationshipState:
    return state.model_copy(update={"briefed": (*state.briefed, e.participant_id)})


def _contracting_started(state: RelationshipState, e: ContractingStarted) -> RelationshipState:
    return state.model_copy(
        update={
            "phase": Phase.CONTRACTING,
            "term_number": e.term_number,
            "contracting_reason": e.reason,
            "paused_from": None,
            "pause_reason": None,
            "paused_at": None,
            "pause_requested_by": None,
            "pause_resume_at": None,
            "mediation_from": None,
            "next_checkin_at": None,
            "checkin_anchor": None,
        }
    )


def _contract_proposed(state: RelationshipState, e: ContractProposed) -> RelationshipState:
    version = ContractVersion(
        version=e.version,
        terms=e.terms,
        proposed_by=e.proposed_by,
        proposed_at=e.occurred_at,
        reason=e.reason,
    )
    return state.model_copy(update={"contracts": (*state.contracts, version)})


def _contract_countered(state: RelationshipState, e: ContractCounterProposed) -> RelationshipState:
    countered = state.contracts[e.counters_version - 1]
    state = _with_contract(state, e.counters_version, status=ContractStatus.COUNTERED)
    version = ContractVersion(
        version=e.version,
        terms=e.terms,
        proposed_by=e.proposed_by,
        proposed_at=e.occurred_at,
        reason=countered.reason,
    )
    return state.model_copy(update={"contracts": (*state.contracts, version)})


def _contract_signed(state: RelationshipState, e: ContractSigned) -> RelationshipState:
    state = _with_contract(state, e.version, status=ContractStatus.SIGNED, signed_by=e.signed_by)
    phase = Phase.ACTIVE if state.phase == Phase.CONTRACTING else state.phase
    return state.model_copy(
        update={
            "contract_in_force": e.version,
            "term_end": e.term_end,
            "phase": phase,
            "series_first_at": e.first_meeting_at,
        }
    )


# -- meetings ---------------------------------------------------------------------------------


def _meeting_scheduled(state: RelationshipState, e: MeetingScheduled) -> RelationshipState:
    meeting = Meeting(
        number=e.meeting_number,
        term_number=e.term_number,
        scheduled_at=e.scheduled_at,
        ends_at=e.ends_at,
        reminder_at=e.reminder_at,
        regular_at=e.scheduled_at,
    )
    return _with_meetings(state, (*state.meetings, meeting), _held_or_missed(meeting) is None)


def _meeting_reminded(state: RelationshipState, e: MeetingReminderDue) -> RelationshipState:
    return _with_meeting(state, e.meeting_number, reminder_sent=True)


def _meeting_held(state: RelationshipState, e: MeetingHeld) -> RelationshipState:
    return _with_meeting(state, e.meeting_number, status=MeetingStatus.HELD)


def _meeting_missed(state: RelationshipState, e: MeetingMissed) -> RelationshipState:
    return _with_meeting(state, e.meeting_number, status=MeetingStatus.MISSED)


def _meeting_cancelled(state: RelationshipState, e: MeetingCancelled) -> RelationshipState:
    state = _without_move_of(state, e.meeting_number)
    return _with_meeting(state, e.meeting_number, status=MeetingStatus.CANCELLED)


def _without_move_of(state: RelationshipState, number: int) -> RelationshipState:
    move = state.meeting_move
    if move is None or move.meeting_number != number:
        return state
    return state.model_copy(update={"meeting_move": None})


def _move_requested(state: RelationshipState, e: MeetingMoveRequested) -> RelationshipState:
    move = MeetingMove(
        meeting_number=e.meeting_number, requested_by=e.requested_by, scheduled_at=e.scheduled_at
    )
    return state.model_copy(update={"meeting_move": move})


def _move_declined(state: RelationshipState, e: MeetingMoveDeclined) -> RelationshipState:
    return _without_move_of(state, e.meeting_number)


def _meeting_rescheduled(state: RelationshipState, e: MeetingRescheduled) -> RelationshipState:
    meeting = state.meeting(e.meeting_number)
    state = _without_move_of(state, e.meeting_number)
    return _with_meeting(
        state,
        e.meeting_number,
        scheduled_at=e.scheduled_at,
        ends_at=e.ends_at,
        reminder_at=e.reminder_at,
        status=MeetingStatus.SCHEDULED,
        reminder_sent=False,
        revision=meeting.revision + 1,
    )


# -- check-ins and health ---------------------------------------------------------------------


def _checkin_scheduled(state: RelationshipState, e: CheckInScheduled) -> RelationshipState:
    return state.model_copy(
        update={"next_checkin_at": e.scheduled_at, "next_checkin_round": e.round_number}
    )


def _checkin_opened(state: RelationshipState, e: CheckInRoundOpened) -> RelationshipState:
    return state.model_copy(
        update={
            "next_checkin_at": None,
            "next_checkin_round": e.round_number + 1,
            "checkin_anchor": e.occurred_at,
        }
    )


def _checkin_submitted(state: RelationshipState, e: CheckInSubmitted) -> RelationshipState:
    scores = [p.score for p in e.goal_progress]
    record = CheckInRecord(
        round_number=e.round_number,
        respondent_id=e.respondent_id,
        satisfaction=e.satisfaction,
        psychological_safety=e.psychological_safety,
        average_progress=sum(scores) / len(scores) if scores else None,
        focus=e.focus,
        tension_flag=e.tension_flag,
    )
    return state.model_copy(update={"checkins": (*state.checkins, record)})


def _health_assessed(state: RelationshipState, e: HealthAssessed) -> RelationshipState:
    return state.model_copy(update={"health": HealthAssessment(level=e.level, reasons=e.reasons)})


# -- mediation --------------------------------------------------------------------------------


def _escalation_opened(state: RelationshipState, e: EscalationOpened) -> RelationshipState:
    escalation = Escalation(
        escalation_id=e.escalation_id,
        reasons=e.reasons,
        severity=e.severity,
        raised_by=e.raised_by,
        opened_at=e.occurred_at,
        respond_by=e.respond_by,
        private_note=e.private_note,
    )
    state = state.model_copy(update={"escalations": (*state.escalations, escalation)})
    if state.phase == Phase.PAUSED:
        # Still paused, but the relationship now resumes into mediation rather than past it.
        if state.paused_from != Phase.MEDIATION:
            state = state.model_copy(
                update={"paused_from": Phase.MEDIATION, "mediation_from": state.paused_from}
            )
        return state
    return state.model_copy(update={"phase": Phase.MEDIATION, "mediation_from": state.phase})


def _escalation_overdue(state: RelationshipState, e: EscalationOverdue) -> RelationshipState:
    return _with_escalation(state, e.escalation_id, level=e.level, respond_by=e.respond_by)


def _escalation_resolved(state: RelationshipState, e: EscalationResolved) -> RelationshipState:
    state = _with_escalation(
        state,
        e.escalation_id,
        status=EscalationStatus.RESOLVED,
        resolution=e.resolution,
        resolved_at=e.occurred_at,
        resolved_by=e.actor,
    )
    # Mediation is over: go back to where it started (or, if paused, resume there later).
    if state.phase == Phase.MEDIATION:
        state = state.model_copy(update={"phase": state.mediation_from})
    elif state.phase == Phase.PAUSED and state.paused_from == Phase.MEDIATION:
        state = state.model_copy(update={"paused_from": state.mediation_from})
    return state.model_copy(update={"mediation_from": None})


def _partners_involved(state: RelationshipState, e: PartnersInvolved) -> RelationshipState:
    return _with_escalation(state, e.escalation_id, partners_involved=True)


# -- mutual -----------------------------------------------------------------------------------


def _mutual_proposed(state: RelationshipState, e: MutualProposed) -> RelationshipState:
    proposal = MutualProposal(proposed_by=e.proposed_by, goals=e.goals)
    return state.model_copy(update={"mutual_proposal": proposal})


def _mutual_declined(state: RelationshipState, _: MutualDeclined) -> RelationshipState:
    return state.model_copy(
        update={
            "mutual_proposal": None,
            "mutual_declined_in_term": True,
            "mutual_declined_at_held": state.meetings_held_in_term,
        }
    )


def _became_mutual(state: RelationshipState, _: ModeBecameMutual) -> RelationshipState:
    return state.model_copy(update={"mode": Mode.MUTUAL, "mutual_proposal": None})


# -- pause, HR, term --------------------------------------------------------------------------


def _paused(state: RelationshipState, e: RelationshipPaused) -> RelationshipState:
    return state.model_copy(
        update={
            "phase": Phase.PAUSED,
            "paused_from": e.paused_from,
            "pause_reason": e.reason,
            "paused_at": e.occurred_at,
            "pause_reminders_sent": 0,
            "pause_requested_by": None,
            "pause_resume_at": None,
            "next_checkin_at": None,
            "checkin_anchor": None,
        }
    )


def _pause_requested(state: RelationshipState, e: PauseRequested) -> RelationshipState:
    return state.model_copy(
        update={"pause_requested_by": e.participant_id, "pause_resume_at": e.resume_at}
    )


def _resumed(state: RelationshipState, e: RelationshipResumed) -> RelationshipState:
    return state.model_copy(
        update={
            "phase": e.resumed_to,
            "paused_from": None,
            "pause_reason": None,
            "paused_at": None,
            "pause_requested_by": None,
            "pause_resume_at": None,
        }
    )


def _winding_down(state: RelationshipState, _: WindDownStarted) -> RelationshipState:
    return state.model_copy(update={"winding_down": True})


def _pause_reminded(state: RelationshipState, e: PauseReminderDue) -> RelationshipState:
    return state.model_copy(update={"pause_reminders_sent": e.reminder_number})


def _leave_started(state: RelationshipState, e: ParticipantLeaveStarted) -> RelationshipState:
    return state.model_copy(update={"on_leave": (*state.on_leave, e.participant_id)})


def _leave_ended(state: RelationshipState, e: ParticipantLeaveEnded) -> RelationshipState:
    on_leave = tuple(pid for pid in state.on_leave if pid != e.participant_id)
    return state.model_copy(update={"on_leave": on_leave})


def _term_extended(state: RelationshipState, e: TermExtended) -> RelationshipState:
    return state.model_copy(update={"term_end": e.term_end})


# -- closing ----------------------------------------------------------------------------------


def _closing_started(state: RelationshipState, _: ClosingStarted) -> RelationshipState:
    return state.model_copy(
        update={
            "phase": Phase.CLOSING,
            "next_checkin_at": None,
            "mediation_from": None,
            # A wind-down may close a paused term: the pause is over with it.
            "paused_from": None,
            "pause_reason": None,
            "paused_at": None,
            "pause_requested_by": None,
            "pause_resume_at": None,
        }
    )


def _reflected(state: RelationshipState, e: ReflectionSubmitted) -> RelationshipState:
    reflection = Reflection(
        respondent_id=e.respondent_id,
        term_number=e.term_number,
        goals_achieved=sum(1 for outcome in e.goals_achieved if outcome.achieved),
        continue_informally=e.continue_informally,
        want_renewal=e.want_renewal,
    )
    return state.model_copy(update={"reflections": (*state.reflections, reflection)})


def _recognised(state: RelationshipState, e: RecognitionGranted) -> RelationshipState:
    recognition = Recognition(
        participant_id=e.participant_id,
        role=e.role,
        term_number=e.term_number,
        meetings_held=e.meetings_held,
        reflection_submitted=e.reflection_submitted,
        granted_at=e.occurred_at,
    )
    return state.model_copy(update={"recognitions": (*state.recognitions, recognition)})


def _renewed(state: RelationshipState, e: TermRenewed) -> RelationshipState:
    return state.model_copy(
        update={
            "term_number": e.term_number,
            "reflections": (),
            "mutual_declined_in_term": False,
            "mutual_declined_at_held": None,
        }
    )


def _completed(state: RelationshipState, _: RelationshipCompleted) -> RelationshipState:
    return _ended(state, Phase.COMPLETED, "completed", rematch=False)


def _ended_early(state: RelationshipState, e: RelationshipEndedEarly) -> RelationshipState:
    return _ended(state, Phase.ENDED_EARLY, e.reason, e.rematch_requested, e.left_participant_id)


def _apply(state: RelationshipState, event: Event) -> RelationshipState:
    match event:
        case RelationshipProposed():
            return _proposed(state, event)
        case MatchAccepted():
            return _accepted(state, event)
        case MatchDeclined():
            return _declined(state, event)
        case ProposalExpired():
            return _proposal_expired(state, event)
        case PromptIssued():
            return _prompt_issued(state, event)
        case PromptReminderDue():
            return _prompt_reminded(state, event)
        case PromptClosed():
            return _prompt_closed(state, event)
        case PromptExpired():
            return _prompt_expired(state, event)
        case OnboardingStarted():
            return _onboarding_started(state, event)
        case BriefingAcknowledged():
            return _briefed(state, event)
        case ContractingStarted():
            return _contracting_started(state, event)
        case ContractProposed():
            return _contract_proposed(state, event)
        case ContractCounterProposed():
            return _contract_countered(state, event)
        case ContractSigned():
            return _contract_signed(state, event)
        case MeetingScheduled():
            return _meeting_scheduled(state, event)
        case MeetingReminderDue():
            return _meeting_reminded(state, event)
        case MeetingHeld():
            return _meeting_held(state, event)
        case MeetingMissed():
            return _meeting_missed(state, event)
        case MeetingCancelled():
            return _meeting_cancelled(state, event)
        case MeetingRescheduled():
            return _meeting_rescheduled(state, event)
        case CheckInScheduled():
            return _checkin_scheduled(state, event)
        case CheckInRoundOpened():
            return _checkin_opened(state, event)
        case CheckInSubmitted():
            return _checkin_submitted(state, event)
        case HealthAssessed():
            return _health_assessed(state, event)
        case EscalationOpened():
            return _escalation_opened(state, event)
        case EscalationOverdue():
            return _escalation_overdue(state, event)
        case EscalationResolved():
            return _escalation_resolved(state, event)
        case PartnersInvolved():
            return _partners_involved(state, event)
        case MutualProposed():
            return _mutual_proposed(state, event)
        case MutualDeclined():
            return _mutual_declined(state, event)
        case ModeBecameMutual():
            return _became_mutual(state, event)
        case RelationshipPaused():
            return _paused(state, event)
        case RelationshipResumed():
            return _resumed(state, event)
        case PauseReminderDue():
            return _pause_reminded(state, event)
        case WindDownStarted():
            return _winding_down(state, event)
        case ParticipantLeaveStarted():
            return _leave_started(state, event)
        case ParticipantLeaveEnded():
            return _leave_ended(state, event)
        case TermExtended():
            return _term_extended(state, event)
        case ClosingStarted():
            return _closing_started(state, event)
        case ReflectionSubmitted():
            return _reflected(state, event)
        case RecognitionGranted():
            return _recognised(state, event)
        case TermRenewed():
            return _renewed(state, event)
        case RelationshipCompleted():
            return _completed(state, event)
        case RelationshipEndedEarly():
            return _ended_early(state, event)
        case PauseRequested():
            return _pause_requested(state, event)
        case MeetingMoveRequested():
            return _move_requested(state, event)
        case MeetingMoveDeclined():
            return _move_declined(state, event)
        case (
            MeetingLogSubmitted()
            | ManagerChangeRecorded()
            | ConcernRaised()
            | ParticipantWithdrew()
        ):
            # Kept for the record and the read model; they change nothing the decider reads.
            return state
        case _:
            assert_never(event)
