"""What the programme coordinator can do: escalate, resolve, pause, resume, end, extend."""

from domain.commands import (
    EndRelationship,
    ExtendTerm,
    InvolvePartners,
    OpenEscalation,
    PauseRelationship,
    ResolveEscalation,
    ResumeRelationship,
)
from domain.contract import ContractReason
from domain.decision import Decision
from domain.errors import DomainError, ErrorCode
from domain.events import EscalationResolved, PartnersInvolved, TermExtended
from domain.state import Phase
from domain.steps import (
    end_early,
    ensure_phase_prompts,
    ensure_schedule,
    open_escalation,
    pause,
    resume,
    start_contracting,
)


def open_escalation_by_coordinator(d: Decision, command: OpenEscalation) -> None:
    if d.state.escalation_open:
        raise DomainError(
            ErrorCode.ESCALATION_ALREADY_OPEN,
            "An escalation is already open; resolve it before opening another.",
        )
    open_escalation(
        d, (command.reason,), command.severity, raised_by=d.state.coordinator_id, note=command.note
    )


def involve_partners(d: Decision, command: InvolvePartners) -> None:
    """Tell both people about the mediation (one neutral message each, never who raised it)."""
    escalation = d.state.open_escalation
    if escalation is None or command.escalation_id not in (None, escalation.escalation_id):
        raise DomainError(ErrorCode.NO_OPEN_ESCALATION, "There is no such open escalation.")
    if escalation.partners_involved:
        raise DomainError(
            ErrorCode.PARTNERS_ALREADY_INVOLVED, "Both people are already involved in it."
        )
    d.emit(PartnersInvolved(occurred_at=d.now, escalation_id=escalation.escalation_id))


def _require_no_leave(d: Decision, action: str) -> None:
    if d.state.on_leave:
        raise DomainError(
            ErrorCode.PARTICIPANT_ON_LEAVE,
            f"Cannot {action} while a participant is on leave; record the end of leave first.",
        )


_CONTRACT_PHASES = (Phase.CONTRACTING, Phase.ACTIVE, Phase.CLOSING)


def resolve_escalation(d: Decision, command: ResolveEscalation) -> None:
    escalation = d.state.open_escalation
    if escalation is None or command.escalation_id not in (None, escalation.escalation_id):
        raise DomainError(ErrorCode.NO_OPEN_ESCALATION, "There is no such open escalation.")
    if command.resolution == "amend_contract":
        _require_no_leave(d, "amend the contract")
        if d.state.mediation_from not in _CONTRACT_PHASES:
            # Amending would skip consent or the briefing; the pair is not that far yet.
            raise DomainError(
                ErrorCode.WRONG_PHASE, "There is no contract to amend yet; continue instead."
            )
    d.emit(
        EscalationResolved(
            occurred_at=d.now,
            escalation_id=escalation.escalation_id,
            resolution=command.resolution,
            note=command.note,
            actor=command.actor,
        )
    )
    _apply_resolution(d, command)


def _apply_resolution(d: Decision, command: ResolveEscalation) -> None:
    paused = d.state.phase == Phase.PAUSED
    match command.resolution:
        case "continue":
            if not paused:
                ensure_phase_prompts(d)
            elif not d.state.on_leave:
                resume(d)
        case "amend_contract":
            start_contracting(d, ContractReason.AMENDMENT)
        case "pause":
            if not paused:
                pause(d, "coordinator_decision")
        case "end_without_fault":
            end_early(d, "no_fault", rematch=False)
        case "rematch":
            end_early(d, "rematch", rematch=True)


def pause_by_coordinator(d: Decision, command: PauseRelationship) -> None:
    if d.state.phase == Phase.PAUSED:
        raise DomainError(ErrorCode.WRONG_PHASE, "The relationship is already paused.")
    pause(d, command.reason)


def resume_by_coordinator(d: Decision, _: ResumeRelationship) -> None:
    if d.state.phase != Phase.PAUSED:
        raise DomainError(ErrorCode.WRONG_PHASE, "Only a paused relationship can be resumed.")
    _require_no_leave(d, "resume")
    if d.state.reporting_line_conflict_open and not d.state.legacy_rules:
        raise DomainError(
            ErrorCode.WRONG_PHASE,
            "One of the pair reports to the other: resolve that escalation instead of resuming.",
        )
    resume(d)


def end_by_coordinator(d: Decision, command: EndRelationship) -> None:
    end_early(d, command.reason, rematch=command.rematch_requested)


_TERM_PHASES = (Phase.ACTIVE, Phase.MEDIATION)


def extend_term(d: Decision, command: ExtendTerm) -> None:
    state = d.state
    phase = state.paused_from if state.phase == Phase.PAUSED else state.phase
    in_term = phase in _TERM_PHASES and (
        phase != Phase.MEDIATION or state.mediation_from == Phase.ACTIVE
    )
    if not in_term or state.term_end is None:
        raise DomainError(
            ErrorCode.WRONG_PHASE, "Only a running term (active, in mediation or paused) extends."
        )
    if command.new_term_end <= state.term_end or command.new_term_end <= d.now:
        raise DomainError(
            ErrorCode.INVALID_TERM_END,
            "The new term end must be later than the current one and in the future.",
        )
    d.emit(
        TermExtended(
            occurred_at=d.now,
            previous_term_end=state.term_end,
            term_end=command.new_term_end,
            actor=command.actor,
        )
    )
    # Meetings and check-ins that did not fit the old term may fit the new one.
    ensure_schedule(d)
