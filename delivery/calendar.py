"""iCalendar invites (RFC 5545 / iTIP RFC 5546) for a relationship's meeting series.

One stable UID per relationship keeps every update on the same calendar entry; SEQUENCE orders
the updates, so a client that gets an older invite late ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vRecur

from delivery.series import MeetingSeries
from domain.slots import WEEKDAY_CODES

Method = Literal["REQUEST", "CANCEL"]

_PRODID = "-//twoway//mentoring meetings//EN"
_FORMAT_LABELS = {"in_person": "in person", "video": "video call", "phone": "phone call"}


@dataclass(frozen=True, slots=True)
class Invite:
    method: Method
    ics: bytes


def series_uid(relationship_id: str) -> str:
    return f"{relationship_id}-meetings@twoway"


def recurrence_for(
    cadence: timedelta, until: datetime | None, weekday: int | None = None
) -> vRecur:
    """The RRULE of a cadence: whole weeks stay weekly so clients show "every 2 weeks".

    With an ISO `weekday` (a slot's) the rule names its day (BYDAY); it is then read on the
    wall clock of DTSTART's zone, so a clock change keeps the meeting's local time.
    """
    rule: dict[str, object] = dict(_frequency(cadence))
    if weekday is not None:
        rule["BYDAY"] = WEEKDAY_CODES[weekday - 1]
    if until is not None:
        rule["UNTIL"] = until.astimezone(UTC)
    return vRecur(rule)


def _frequency(cadence: timedelta) -> dict[str, object]:
    seconds = int(cadence.total_seconds())
    if seconds <= 0:
        raise ValueError("a meeting cadence must be positive")
    # Demo programmes run on minutes; real ones on weeks. Pick the coarsest exact unit.
    for unit, size in (("WEEKLY", 604_800), ("DAILY", 86_400), ("HOURLY", 3_600), ("MINUTELY", 60)):
        if seconds % size == 0:
            return {"FREQ": unit, "INTERVAL": seconds // size}
    return {"FREQ": "SECONDLY", "INTERVAL": seconds}


def build_invite(
    series: MeetingSeries,
    *,
    organizer_email: str,
    attendee_email: str,
    now: datetime,
) -> Invite:
    """REQUEST for a live series, CANCEL once it was paused or closed."""
    method: Method = "CANCEL" if series.cancelled else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    master = _event(series, organizer_email, attendee_email, now, series.first_start)
    master.add("rrule", recurrence_for(series.cadence, series.until, _weekday(series)))
    calendar.add_component(master)
    if method == "REQUEST":
        for moved in series.moved:
            override = _event(series, organizer_email, attendee_email, now, moved.start)
            override.add("recurrence-id", _in_series_zone(series, moved.original_start))
            calendar.add_component(override)
    if series.time_zone is not None:
        # The VTIMEZONE tells every client when the anchor zone changes its clocks.
        calendar.add_missing_timezones()
    return Invite(method=method, ics=calendar.to_ical())


def _in_series_zone(series: MeetingSeries, moment: datetime) -> datetime:
    """Local time with TZID for a slot's series; UTC for a series on a bare cadence."""
    if series.time_zone is None:
        return moment.astimezone(UTC)
    return moment.astimezone(ZoneInfo(series.time_zone))


def _weekday(series: MeetingSeries) -> int | None:
    if series.time_zone is None:
        return None
    return _in_series_zone(series, series.first_start).isoweekday()


def _event(
    series: MeetingSeries, organizer: str, attendee: str, now: datetime, start: datetime
) -> Event:
    event = Event()
    event.add("uid", series_uid(series.relationship_id))
    event.add("sequence", series.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", _in_series_zone(series, start))
    event.add("duration", series.duration)
    # No names in the invite: it is forwarded, synced and shown on shared screens.
    event.add("summary", "Mentoring meeting")
    label = _FORMAT_LABELS.get(series.meeting_format, series.meeting_format)
    event.add("description", f"Your mentoring meeting ({label}), on the cadence you agreed.")
    if series.location:
        event.add("location", series.location)
    event.add("status", "CANCELLED" if series.cancelled else "CONFIRMED")
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["ROLE"] = "REQ-PARTICIPANT"
    guest.params["PARTSTAT"] = "NEEDS-ACTION"
    event.add("attendee", guest)
    return event
