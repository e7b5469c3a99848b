"""Transitions shared by several commands and deadlines (pause, end, escalate, close, ...)."""

from collections.abc import Iterable

from domain.assessment import HealthAssessment, HealthLevel
from domain.contract import ContractReason
from domain.decision import Decision
from domain.events import (
    CheckInScheduled,
    ClosingStarted,
    ContractingStarted,
    EscalationOpened,
    EscalationResolved,
    HealthAssessed,
    MeetingCancelled,
    MeetingMissed,
    MeetingScheduled,
    PromptClosed,
    PromptCloseReason,
    RecognitionGranted,
    RelationshipCompleted,
    RelationshipEndedEarly,
    RelationshipPaused,
    RelationshipResumed,
    TermRenewed,
)
from domain.health import health_level, health_reasons
from domain.prompt_issue import (
    issue_consent,
    issue_contract_proposal,
    issue_contract_review,
    issue_onboarding,
    issue_reflection,
)
from domain.prompts import Prompt, PromptKind
from domain.schedule import next_checkin_slot, next_meeting_slot
from domain.state import MeetingStatus, Phase, Role, Severity

# The questions that move a phase forward; they wait while the coordinator mediates.
PHASE_PROMPT_KINDS = frozenset(
    {
        PromptKind.CONSENT,
        PromptKind.ONBOARDING,
        PromptKind.CONTRACT_PROPOSAL,
        PromptKind.CONTRACT_REVIEW,
        PromptKind.CLOSING_REFLECTION,
    }
)


# -- prompts and meetings ---------------------------------------------------------------------


def close_prompts(
    d: Decision, reason: PromptCloseReason, kinds: Iterable[PromptKind] | None = None
) -> None:
    wanted = None if kinds is None else frozenset(kinds)
    for prompt in d.state.open_prompts:
        if wanted is None or prompt.kind in wanted:
            d.emit(
                PromptClosed(
                    occurred_at=d.now,
                    prompt_id=prompt.prompt_id,
                    recipient_id=prompt.recipient_id,
                    reason=reason,
                )
            )


def cancel_meetings(d: Decision, reason: str, *, include_awaiting_log: bool) -> None:
    statuses = {MeetingStatus.SCHEDULED}
    if include_awaiting_log:
        statuses.add(MeetingStatus.AWAITING_LOG)
    for meeting in d.state.meetings:
        if meeting.status in statuses:
            d.emit(
                MeetingCancelled(occurred_at=d.now, meeting_number=meeting.number, reason=reason)
            )


def open_logs_for(d: Decision, number: int) -> list[Prompt]:
    return [
        p
        for p in d.state.open_prompts_of(PromptKind.MEETING_LOG)
        if p.context.meeting_number == number
    ]


def settle_if_nobody_confirmed(d: Decision, number: int) -> None:
    """Once nobody can still say it happened, the meeting counts as missed."""
    if d.state.meeting(number).status != MeetingStatus.AWAITING_LOG:
        return
    if open_logs_for(d, number):
        return
    d.emit(MeetingMissed(occurred_at=d.now, meeting_number=number))
    ensure_schedule(d)


def ensure_schedule(d: Decision) -> None:
    """Keep exactly one upcoming meeting and one upcoming check-in while meetings run."""
    state = d.state
    contract = state.contract
    if not state.meetings_run or contract is None or state.term_end is None:
        return
    if state.pending_meeting is None:
        slot = next_meeting_slot(state, d.now)
        if slot is not None and slot + contract.terms.meeting_length <= state.term_end:
            d.emit(
                MeetingScheduled(
                    occurred_at=d.now,
                    meeting_number=len(state.meetings) + 1,
                    term_number=state.term_number,
                    scheduled_at=slot,
                    ends_at=slot + contract.terms.meeting_length,
                    reminder_at=max(slot - d.policy.meeting_reminder_lead, d.now),
                    meeting_format=contract.terms.meeting_format,
                )
            )
    if d.state.next_checkin_at is None:
        at = next_checkin_slot(d.state, d.now)
        if at < state.term_end:
            d.emit(
                CheckInScheduled(
                    occurred_at=d.now, round_number=d.state.next_checkin_round, scheduled_at=at
                )
            )


def ensure_phase_prompts(d: Decision) -> None:
    """(Re)issue whatever the current phase is waiting for, e.g. after a pause or mediation."""
    state = d.state
    open_for = {(p.recipient_id, p.kind) for p in state.open_prompts}
    if state.phase == Phase.PROPOSED:
        for pid in state.participants:
            if pid not in state.accepted_by and (pid, PromptKind.CONSENT) not in open_for:
                issue_consent(d, pid)
    elif state.phase == Phase.ONBOARDING:
        for pid in state.participants:
            if pid not in state.briefed and (pid, PromptKind.ONBOARDING) not in open_for:
                issue_onboarding(d, pid)
    elif state.phase == Phase.CONTRACTING:
        if not state.open_prompts_of(PromptKind.CONTRACT_PROPOSAL, PromptKind.CONTRACT_REVIEW):
            pending = state.pending_contract
            if pending is None:
                issue_contract_proposal(d)
            else:
                issue_contract_review(d, pending)
    elif state.phase == Phase.CLOSING:
        reflected = {r.respondent_id for r in state.reflections}
        for pid in state.participants:
            if pid not in reflected and (pid, PromptKind.CLOSING_REFLECTION) not in open_for:
                issue_reflection(d, pid)
    else:
        ensure_schedule(d)


# -- health and escalation --------------------------------------------------------------------


def open_escalation(
    d: Decision,
    reasons: tuple[str, ...],
    severity: Severity,
    raised_by: str,
    note: str | None = None,
) -> bool:
    """Open a case unless one is already open (one conversation with the coordinator at a time)."""
    if d.state.escalation_open:
        return False
    # Phase questions wait for the coordinator and are asked again on `continue`; meetings
    # and check-ins keep running, because mediation should not cost the pair its rhythm.
    kinds = PHASE_PROMPT_KINDS
    if d.state.phase == Phase.ACTIVE:
        # While meetings run, a contract review is a participant's amendment, not a phase
        # question: closing it would tell the reviewer that a case opened. (Before amendments
        # existed no review was ever open here, so older histories decide the same.)
        kinds = PHASE_PROMPT_KINDS - {PromptKind.CONTRACT_REVIEW}
    close_prompts(d, "phase_changed", kinds)
    d.emit(
        EscalationOpened(
            occurred_at=d.now,
            escalation_id=f"escalation:{len(d.state.escalations) + 1}",
            reasons=reasons,
            severity=severity,
            raised_by=raised_by,
            respond_by=d.now + d.policy.coordinator_response_deadline,
            private_note=note,
        )
    )
    return True


def reassess_health(d: Decision) -> None:
    """Record health only when it changed; escalate when it turns red while active."""
    state = d.state
    if not state.started or state.is_terminal:
        return
    reasons = health_reasons(state, d.now)
    level = health_level(reasons)
    if level == state.health.level and reasons == state.health.reasons:
        return  # unchanged, as it is after nearly every step: nothing to build or record
    assessment = HealthAssessment(level=level, reasons=reasons)
    previous = state.health.level
    d.emit(
        HealthAssessed(
            occurred_at=d.now,
            level=assessment.level,
            reasons=assessment.reasons,
            previous_level=previous,
        )
    )
    turned_red = assessment.level == HealthLevel.RED and previous != HealthLevel.RED
    if turned_red and d.state.phase == Phase.ACTIVE:
        red_codes = tuple(
            dict.fromkeys(r.code for r in assessment.reasons if r.level == HealthLevel.RED)
        )
        open_escalation(d, red_codes, Severity.HIGH, raised_by="system")


# -- phase transitions ------------------------------------------------------------------------


def start_contracting(d: Decision, reason: ContractReason) -> None:
    cancel_meetings(d, "contracting", include_awaiting_log=False)
    d.emit(ContractingStarted(occurred_at=d.now, term_number=d.state.term_number, reason=reason))
    ensure_phase_prompts(d)


def pause(d: Decision, reason: str) -> None:
    close_prompts(d, "paused")
    cancel_meetings(d, "paused", include_awaiting_log=True)
    d.emit(RelationshipPaused(occurred_at=d.now, reason=reason, paused_from=d.state.phase))


def resume(d: Decision) -> None:
    """Back to where the pause began; the schedule restarts from now, nothing is caught up."""
    resumed_to = d.state.paused_from or Phase.ACTIVE
    d.emit(RelationshipResumed(occurred_at=d.now, resumed_to=resumed_to))
    ensure_phase_prompts(d)


def resolve_open_escalation(d: Decision) -> None:
    escalation = d.state.open_escalation
    if escalation is not None:
        d.emit(
            EscalationResolved(
                occurred_at=d.now,
                escalation_id=escalation.escalation_id,
                resolution="relationship_ended",
            )
        )


def end_early(
    d: Decision, reason: str, *, rematch: bool, left_participant_id: str | None = None
) -> None:
    close_prompts(d, "relationship_ended")
    cancel_meetings(d, "relationship_ended", include_awaiting_log=True)
    resolve_open_escalation(d)
    d.emit(
        RelationshipEndedEarly(
            occurred_at=d.now,
            reason=reason,
            rematch_requested=rematch,
            left_participant_id=left_participant_id,
        )
    )


def start_closing(d: Decision) -> None:
    # The last meeting's log may still come in; only meetings that have not happened go.
    cancel_meetings(d, "term_ended", include_awaiting_log=False)
    d.emit(ClosingStarted(occurred_at=d.now, term_number=d.state.term_number))
    ensure_phase_prompts(d)


def finish_closing(d: Decision) -> None:
    """Recognise both people, then renew (if both want it) or complete."""
    close_prompts(d, "phase_changed")
    # The last meeting's logs were welcome while closing ran; with their prompts closed nobody
    # can still say it happened, so it counts as missed rather than staying open for good.
    for meeting in d.state.meetings:
        settle_if_nobody_confirmed(d, meeting.number)
    state = d.state
    reflections = {r.respondent_id: r for r in state.reflections}
    held = sum(
        1
        for m in state.meetings
        if m.term_number == state.term_number and m.status == MeetingStatus.HELD
    )
    for role in (Role.MENTOR, Role.MENTEE):
        pid = state.participant_for(role)
        d.emit(
            RecognitionGranted(
                occurred_at=d.now,
                participant_id=pid,
                role=role,
                term_number=state.term_number,
                meetings_held=held,
                reflection_submitted=pid in reflections,
            )
        )
    both = [reflections.get(pid) for pid in state.participants]
    renew = all(r is not None and r.want_renewal for r in both)
    if renew and not state.winding_down:
        d.emit(TermRenewed(occurred_at=d.now, term_number=state.term_number + 1))
        start_contracting(d, ContractReason.RENEWAL)
        return
    informally = all(r is not None and r.continue_informally for r in both)
    d.emit(
        RelationshipCompleted(
            occurred_at=d.now, term_number=state.term_number, continue_informally=informally
        )
    )
