"""The agreed meeting series of one relationship, folded from its recorded events.

The domain schedules meetings one at a time on the contract's cadence; a calendar wants one
recurring event. This fold keeps a series anchored on the first meeting of the current rhythm
and re-anchors it only when a meeting falls off that rhythm (a new contract, a resume, a
reschedule that shifts later meetings), so routine reminders re-send an unchanged invite.
Each change that a calendar should see bumps the change count behind SEQUENCE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

_DURATION = TypeAdapter(timedelta)
_MOMENT = TypeAdapter(datetime)


@dataclass(frozen=True, slots=True)
class MovedMeeting:
    original_start: datetime
    start: datetime


@dataclass(frozen=True, slots=True)
class MeetingSeries:
    relationship_id: str
    first_start: datetime
    cadence: timedelta
    duration: timedelta
    until: datetime | None
    meeting_format: str
    sequence: int
    cancelled: bool
    moved: tuple[MovedMeeting, ...] = ()


@dataclass
class _Fold:
    relationship_id: str
    terms: dict[int, dict[str, Any]] = field(default_factory=dict)
    cadence: timedelta | None = None
    duration: timedelta | None = None
    meeting_format: str = "video"
    until: datetime | None = None
    anchor: datetime | None = None
    starts: dict[int, datetime] = field(default_factory=dict)
    moved: list[MovedMeeting] = field(default_factory=list)
    changes: int = 0
    cancelled: bool = False
    needs_anchor: bool = True

    def on_grid(self, moment: datetime) -> bool:
        if self.anchor is None or self.cadence is None or moment < self.anchor:
            return False
        return (moment - self.anchor) % self.cadence == timedelta(0)

    def reanchor(self, start: datetime) -> None:
        self.anchor = start
        self.moved = []
        self.cancelled = False
        self.needs_anchor = False
        self.changes += 1


def fold_series(
    relationship_id: str, events: list[tuple[str, dict[str, Any]]]
) -> MeetingSeries | None:
    """The series after ``events``; None until a meeting is scheduled under a contract."""
    fold = _Fold(relationship_id)
    for event_type, data in events:
        handler = _HANDLERS.get(event_type)
        if handler is not None:
            handler(fold, data)
    if fold.anchor is None or fold.cadence is None or fold.duration is None:
        return None
    return MeetingSeries(
        relationship_id=relationship_id,
        first_start=fold.anchor,
        cadence=fold.cadence,
        duration=fold.duration,
        until=fold.until,
        meeting_format=fold.meeting_format,
        # The first REQUEST carries SEQUENCE 0, as RFC 5545 expects of a new event.
        sequence=max(fold.changes - 1, 0),
        cancelled=fold.cancelled,
        moved=tuple(fold.moved),
    )


def _terms(fold: _Fold, data: dict[str, Any]) -> None:
    fold.terms[int(data["version"])] = data["terms"]


def _signed(fold: _Fold, data: dict[str, Any]) -> None:
    terms = fold.terms.get(int(data["version"]))
    if terms is None:
        return
    fold.cadence = _DURATION.validate_python(terms["cadence"])
    fold.duration = _DURATION.validate_python(terms["meeting_length"])
    fold.meeting_format = str(terms.get("meeting_format", "video"))
    fold.until = _MOMENT.validate_python(data.get("term_end") or terms["term_end"])
    # A new contract may change the cadence: its first meeting starts a new rhythm.
    fold.needs_anchor = True


def _scheduled(fold: _Fold, data: dict[str, Any]) -> None:
    start = _MOMENT.validate_python(data["scheduled_at"])
    fold.starts[int(data["meeting_number"])] = start
    if fold.cadence is None:
        return
    if fold.needs_anchor or fold.cancelled or not fold.on_grid(start):
        fold.reanchor(start)


def _rescheduled(fold: _Fold, data: dict[str, Any]) -> None:
    number = int(data["meeting_number"])
    original = fold.starts.get(number) or _MOMENT.validate_python(data["previous_scheduled_at"])
    start = _MOMENT.validate_python(data["scheduled_at"])
    fold.starts[number] = start
    if fold.on_grid(original):
        # Earlier moves of the same meeting are replaced: one override per occurrence.
        fold.moved = [m for m in fold.moved if m.original_start != original]
        fold.moved.append(MovedMeeting(original_start=original, start=start))
        fold.changes += 1
    elif fold.cadence is not None:
        fold.reanchor(start)


def _stopped(fold: _Fold, _: dict[str, Any]) -> None:
    if fold.anchor is not None and not fold.cancelled:
        fold.cancelled = True
        fold.changes += 1
    fold.needs_anchor = True


def _restart(fold: _Fold, _: dict[str, Any]) -> None:
    fold.needs_anchor = True


def _extended(fold: _Fold, data: dict[str, Any]) -> None:
    fold.until = _MOMENT.validate_python(data["term_end"])
    if fold.anchor is not None:
        fold.changes += 1


_HANDLERS = {
    "contract_proposed": _terms,
    "contract_counter_proposed": _terms,
    "contract_signed": _signed,
    "meeting_scheduled": _scheduled,
    "meeting_rescheduled": _rescheduled,
    "relationship_paused": _stopped,
    "relationship_completed": _stopped,
    "relationship_ended_early": _stopped,
    "relationship_resumed": _restart,
    "term_renewed": _restart,
    "term_extended": _extended,
}

__all__ = ["MeetingSeries", "MovedMeeting", "fold_series"]
