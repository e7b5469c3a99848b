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
from domain.state import Phase, Severity
from domain.steps import end_early, open_escalation, pause, resume


def _require_participant(d: Decision, participant_id: str) -> None:
    if d.state.role_of(participant_id) is None:
        raise DomainError(
            ErrorCode.UNKNOWN_PARTICIPANT, "That person is not part of this relationship."
        )


def participant_left(d: Decision, command: RecordParticipantLeft) -> None:
    _require_participant(d, command.participant_id)
    end_early(d, "participant_left", rematch=False)


def manager_changed(d: Decision, command: RecordManagerChange) -> None:
    _require_participant(d, command.participant_id)
    d.emit(
        ManagerChangeRecorded(
            occurred_at=d.now,
            participant_id=command.participant_id,
            reporting_line_conflict=command.reporting_line_conflict,
        )
    )
    if not command.reporting_line_conflict:
        return
    # One now reports to the other: confidentiality and candour are at risk until a human looks.
    if d.state.phase != Phase.PAUSED:
        pause(d, "hierarchy_conflict")
    open_escalation(d, ("hierarchy_conflict",), Severity.HIGH, raised_by="hr")


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
    if state.phase == Phase.PAUSED and state.pause_reason == "leave" and not state.on_leave:
        resume(d)
