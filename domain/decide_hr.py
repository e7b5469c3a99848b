"""HR events: people leave, change manager, or go on leave, at any point of the relationship."""

from domain.commands import (
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
)
from domain.decision import Decision
from domain.errors import DomainError, ErrorCode
from domain.events import ManagerChangeRecorded, ParticipantLeaveEnded, ParticipantLeaveStarted
from domain.state import HIERARCHY_CONFLICT, Phase, RelationshipState, Severity
from domain.steps import end_early, open_escalation, pause, resume


def _require_participant(d: Decision, participant_id: str) -> None:
    if d.state.role_of(participant_id) is None:
        raise DomainError(
            ErrorCode.UNKNOWN_PARTICIPANT, "That person is not part of this relationship."
        )


def participant_left(d: Decision, command: RecordParticipantLeft) -> None:
    _require_participant(d, command.participant_id)
    if d.state.legacy_rules:
        end_early(d, "participant_left", rematch=False)
        return
    # The partner who stays keeps their place in the programme: ask for a new match for them.
    end_early(d, "participant_left", rematch=True, left_participant_id=command.participant_id)


def reporting_line_between(state: RelationshipState, command: RecordManagerChange) -> bool:
    """Whether the participant's new line of managers now runs through their partner."""
    if command.new_manager_id is None:
        # Signals recorded before HR events carried the new manager brought the conclusion.
        return bool(command.reporting_line_conflict)
    partner = state.partner_of(command.participant_id)
    return partner in (command.new_manager_id, *command.managers_above_new_manager)


def manager_changed(d: Decision, command: RecordManagerChange) -> None:
    _require_participant(d, command.participant_id)
    conflict = reporting_line_between(d.state, command)
    d.emit(
        ManagerChangeRecorded(
            occurred_at=d.now,
            participant_id=command.participant_id,
            new_manager_id=command.new_manager_id,
            reporting_line_conflict=conflict,
        )
    )
    if not conflict:
        return
    # One now reports to the other: confidentiality and candour are at risk until a human looks.
    if d.state.phase != Phase.PAUSED:
        pause(d, "hierarchy_conflict")
    open_escalation(d, (HIERARCHY_CONFLICT,), Severity.HIGH, raised_by="hr")


def leave_started(d: Decision, command: RecordLeaveStarted) -> None:
    _require_participant(d, command.participant_id)
    if command.participant_id in d.state.on_leave:
        return  # HR systems resend; the second notice changes nothing
    d.emit(ParticipantLeaveStarted(occurred_at=d.now, participant_id=command.participant_id))
    if d.state.phase != Phase.PAUSED:
        pause(d, "leave")


def leave_ended(d: Decision, command: RecordLeaveEnded) -> None:
    _require_participant(d, command.participant_id)
    if command.participant_id not in d.state.on_leave:
        return
    d.emit(ParticipantLeaveEnded(occurred_at=d.now, participant_id=command.participant_id))
    state = d.state
    if state.phase != Phase.PAUSED or state.pause_reason != "leave" or state.on_leave:
        return
    if state.reporting_line_conflict_open and not state.legacy_rules:
        # A reporting-line conflict recorded during the leave still needs its decision: the
        # coordinator's resolution resumes the pair, not the end of the leave.
        return
    resume(d)
