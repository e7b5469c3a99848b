"""The agreed meeting series of one relationship, folded from its events.

The domain schedules meetings one at a time on the contract's cadence; a calendar wants one
recurring event. This fold keeps a series anchored on the first meeting of the current rhythm
and re-anchors it only when a meeting falls off that rhythm (a new contract, a resume, a
reschedule that shifts later meetings), so routine reminders re-send an unchanged invite.
Each change that a calendar should see bumps the change count behind SEQUENCE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.contract import ContractTerms
from domain.events import (
    ContractCounterProposed,
    ContractProposed,
    ContractSigned,
    Event,
    MeetingRescheduled,
    MeetingScheduled,
    RelationshipCompleted,
    RelationshipEndedEarly,
    RelationshipPaused,
    RelationshipResumed,
    TermExtended,
    TermRenewed,
)

# The events the fold reads; every other event leaves the series as it is.
SERIES_EVENTS = (
    ContractProposed,
    ContractCounterProposed,
    ContractSigned,
    MeetingScheduled,
    MeetingRescheduled,
    RelationshipPaused,
    RelationshipResumed,
    TermExtended,
    TermRenewed,
    RelationshipCompleted,
    RelationshipEndedEarly,
)
SERIES_EVENT_TYPES: tuple[str, ...] = tuple(
    str(kind.model_fields["type"].default) for kind in SERIES_EVENTS
)


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
    # The anchor zone of the agreed slot: the series recurs on its wall clock (None: in UTC,
    # for contracts without a slot), and where the pair meets (a place or a video link).
    time_zone: str | None = None
    location: str | None = None


@dataclass
class _Fold:
    terms: dict[int, ContractTerms] = field(default_factory=dict)
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
    time_zone: str | None = None
    location: str | None = None

    def on_grid(self, moment: datetime) -> bool:
        if self.anchor is None or self.cadence is None or moment < self.anchor:
            return False
        if self.time_zone is None:
            return (moment - self.anchor) % self.cadence == timedelta(0)
        # A slot recurs on the anchor zone's wall clock: across a clock change the elapsed
        # time is an hour off the cadence, the local day and time are not.
        zone = ZoneInfo(self.time_zone)
        here, anchor = moment.astimezone(zone), self.anchor.astimezone(zone)
        days = (here.date() - anchor.date()).days
        return here.time() == anchor.time() and days % self.cadence.days == 0

    def reanchor(self, start: datetime) -> None:
        self.anchor = start
        self.moved = []
        self.cancelled = False
        self.needs_anchor = False
        self.changes += 1


def fold_series(relationship_id: str, events: Iterable[Event]) -> MeetingSeries | None:
    """The series after ``events``; None until a meeting is scheduled under a contract."""
    fold = _Fold()
    for event in events:
        _apply(fold, event)
    if fold.anchor is None or fold.cadence is None or fold.duration is None:
        return None
    return MeetingSeries(
        relationship_id=relationship_id,
        first_start=fold.anchor,
        cadence=fold.cadence,
        duration=fold.duration,
        until=fold.until,
        meeting_format=fold.meeting_format,
        time_zone=fold.time_zone,
        location=fold.location,
        # The first REQUEST carries SEQUENCE 0, as RFC 5545 expects of a new event.
        sequence=max(fold.changes - 1, 0),
        cancelled=fold.cancelled,
        moved=tuple(fold.moved),
    )


def _apply(fold: _Fold, event: Event) -> None:
    match event:
        case ContractProposed() | ContractCounterProposed():
            fold.terms[event.version] = event.terms
        case ContractSigned():
            _signed(fold, event)
        case MeetingScheduled():
            _scheduled(fold, event)
        case MeetingRescheduled():
            _rescheduled(fold, event)
        case RelationshipPaused() | RelationshipCompleted() | RelationshipEndedEarly():
            _stopped(fold)
        case RelationshipResumed() | TermRenewed():
            fold.needs_anchor = True
        case TermExtended():
            fold.until = event.term_end
            if fold.anchor is not None:
                fold.changes += 1
        case _:
            pass  # the series does not depend on it


def _signed(fold: _Fold, event: ContractSigned) -> None:
    terms = fold.terms.get(event.version)
    if terms is None:
        return
    fold.cadence = terms.cadence
    fold.duration = terms.meeting_length
    fold.meeting_format = terms.meeting_format.value
    fold.until = event.term_end
    fold.time_zone = terms.slot.time_zone if terms.slot is not None else None
    fold.location = terms.location
    # A new contract may change the cadence: its first meeting starts a new rhythm.
    fold.needs_anchor = True


def _scheduled(fold: _Fold, event: MeetingScheduled) -> None:
    fold.starts[event.meeting_number] = event.scheduled_at
    if fold.cadence is None:
        return
    if fold.needs_anchor or fold.cancelled or not fold.on_grid(event.scheduled_at):
        fold.reanchor(event.scheduled_at)


def _rescheduled(fold: _Fold, event: MeetingRescheduled) -> None:
    original = fold.starts.get(event.meeting_number) or event.previous_scheduled_at
    start = event.scheduled_at
    fold.starts[event.meeting_number] = start
    if fold.on_grid(original):
        # Earlier moves of the same meeting are replaced: one override per occurrence.
        fold.moved = [m for m in fold.moved if m.original_start != original]
        fold.moved.append(MovedMeeting(original_start=original, start=start))
        fold.changes += 1
    elif fold.cadence is not None:
        fold.reanchor(start)


def _stopped(fold: _Fold) -> None:
    if fold.anchor is not None and not fold.cancelled:
        fold.cancelled = True
        fold.changes += 1
    fold.needs_anchor = True
