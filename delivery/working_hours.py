"""When a participant may be e-mailed: inside their working hours, in their own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from store.people import Person

# Roles whose messages wait for working hours. Coordinators and owners get escalations at once:
# a deadline is running and they chose to be on call for it.
DEFERRED_ROLES = frozenset({"participant"})


def person_zone(person: Person) -> ZoneInfo:
    try:
        return ZoneInfo(person.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        # A typo in the roster must not stop delivery; UTC is a visible, harmless default.
        return ZoneInfo("UTC")


def next_send_time(now: datetime, person: Person) -> datetime:
    """``now`` when it falls in the person's working hours, else the start of the next ones (UTC).

    Working hours are wall-clock times in the person's zone, so they follow daylight saving.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    days = set(person.working_days)
    if not days:
        return now  # no working days configured: no window to wait for
    zone = person_zone(person)
    local = now.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.isoweekday() not in days:
            continue
        start = datetime.combine(day, person.working_hours_start, zone)
        end = datetime.combine(day, person.working_hours_end, zone)
        if offset == 0 and start <= local < end:
            return now
        if local < start:
            return start.astimezone(UTC)
    return now  # unreachable: some working day lies within the next seven days
