"""Meeting slots: a weekday, a start time and a length inside both people's working hours.

A slot is a wall-clock rule in one time zone, its *anchor*: "Tuesdays at 15:00, Europe/Berlin".
Meetings follow the rule in the anchor zone, so the anchor's own daylight-saving changes never
move them. The other person's clock may still shift against it: Europe and North America change
their clocks on different Sundays, so for a few weeks each spring and autumn a Berlin 15:00 is
10:00 in New York instead of 09:00. A slot that fits both people in one season can therefore
leave one person's hours in another.

The rule here: a slot is offered, and accepted, only when **every** weekly occurrence from now to
the end of the term lies inside both people's working hours and on their working days, each in
their own zone. A pair never learns in November that their meeting now starts before one of them
begins work. Checking every week (not only the agreed cadence) keeps the rule independent of
which week the series starts on, and a wall time that does not exist on some date (a clock
jumping over it) makes the slot unfit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from domain.base import DomainModel

WEEK = timedelta(weeks=1)
# Offered start times fall on this grid; people pick a slot from a list, not a minute.
SLOT_STEP = timedelta(minutes=30)
WORKING_WEEK = (1, 2, 3, 4, 5)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name; ValueError when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _known_zone(name: str) -> str:
    zone(name)
    return name


class Availability(DomainModel):
    """When one person can meet: their working hours, on their working days, in their zone.

    No names, only a zone and hours: it travels in the workflow input and its history.
    """

    time_zone: str = "UTC"
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 30)
    # ISO weekdays, 1 = Monday ... 7 = Sunday.
    working_days: tuple[int, ...] = Field(default=WORKING_WEEK, max_length=7)

    _zone_is_known = field_validator("time_zone")(_known_zone)

    @model_validator(mode="after")
    def _hours_make_sense(self) -> Self:
        if self.working_hours_start >= self.working_hours_end:
            raise ValueError("working hours must start before they end")
        if any(not 1 <= day <= 7 for day in self.working_days):
            raise ValueError("working days are ISO weekdays, 1 (Monday) to 7 (Sunday)")
        return self


class MeetingSlot(DomainModel):
    """The pair's meeting rule: this weekday, at this wall-clock time, in the anchor zone."""

    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday ... 7 = Sunday.")
    start: time
    time_zone: str = Field(description="The anchor zone whose wall clock the rule follows.")

    _zone_is_known = field_validator("time_zone")(_known_zone)

    @field_validator("start")
    @classmethod
    def _whole_minutes_without_zone(cls, value: time) -> time:
        if value.tzinfo is not None or value.second or value.microsecond:
            raise ValueError("a slot starts on a whole minute of the anchor zone's wall clock")
        return value

    @property
    def code(self) -> str:
        """`2@15:00@Europe/Berlin`: how a form or the command line names the slot."""
        return f"{self.weekday}@{self.start:%H:%M}@{self.time_zone}"

    @classmethod
    def from_code(cls, code: str, default_zone: str) -> MeetingSlot:
        """Parse `2@15:00`, `TU@15:00` or `2@15:00@Europe/Berlin`; ValueError if malformed.

        Without a zone the slot is read in `default_zone` (the person's own).
        """
        parts = code.strip().split("@", 2)
        if len(parts) < 2:
            raise ValueError("a slot reads like TU@15:00 (weekday @ start time [@ time zone])")
        day, at = parts[0].strip().upper(), parts[1]
        zone_name = parts[2] if len(parts) == 3 else default_zone
        weekday = WEEKDAY_CODES.index(day[:2]) + 1 if day[:2] in WEEKDAY_CODES else int(day)
        return cls(
            weekday=weekday, start=time.fromisoformat(at.strip()), time_zone=zone_name.strip()
        )


# -- occurrences --------------------------------------------------------------------------------


def wall_time(day: date, at: time, zone_name: str) -> datetime | None:
    """`at` on `day` in the zone, in UTC; None when the clock jumps over that wall time."""
    local = datetime.combine(day, at, zone(zone_name))
    instant = local.astimezone(UTC)
    if instant.astimezone(local.tzinfo).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _first_day_on_or_after(slot: MeetingSlot, moment: datetime) -> date:
    local_day = moment.astimezone(zone(slot.time_zone)).date()
    return local_day + timedelta(days=(slot.weekday - local_day.isoweekday()) % 7)


def weekly_occurrences(slot: MeetingSlot, after: datetime, until: datetime) -> Iterator[datetime]:
    """Each week's wall time of the slot that starts after `after` and before `until`.

    A week whose wall time does not exist yields nothing (`slot_fits` refuses such slots).
    """
    day = _first_day_on_or_after(slot, after)
    while day <= _last_day(slot, until):
        at = wall_time(day, slot.start, slot.time_zone)
        if at is not None and after < at < until:
            yield at
        day += timedelta(days=7)


def _last_day(slot: MeetingSlot, until: datetime) -> date:
    """No occurrence after this local day can start before `until`."""
    return until.astimezone(zone(slot.time_zone)).date() + timedelta(days=1)


def first_occurrence_after(slot: MeetingSlot, moment: datetime) -> datetime:
    """The first wall time of the slot strictly after `moment` (within a year: always found)."""
    return next(weekly_occurrences(slot, moment, moment + timedelta(days=366)))


def series_occurrence(
    slot: MeetingSlot, first: datetime, cadence_weeks: int, index: int
) -> datetime:
    """Occurrence `index` (0 = the first) of a series every `cadence_weeks` in the anchor zone.

    Counted on the anchor's calendar, not in hours: a clock change in between keeps the wall
    time. A wall time that does not exist falls back to the hour the clock jumped from
    (accepted slots never meet one: `slot_fits` refuses them).
    """
    first_day = first.astimezone(zone(slot.time_zone)).date()
    day = first_day + timedelta(weeks=cadence_weeks * index)
    return datetime.combine(day, slot.start, zone(slot.time_zone)).astimezone(UTC)


def next_series_occurrence(
    slot: MeetingSlot, first: datetime, cadence_weeks: int, after: datetime
) -> datetime:
    """The first occurrence of the series strictly after `after` (the first one at the earliest)."""
    if first > after:
        return first
    # Start from an estimate in elapsed time, then step: whole weeks never drift more than one.
    index = max(int((after - first) / (cadence_weeks * WEEK)) - 1, 0)
    while (at := series_occurrence(slot, first, cadence_weeks, index)) <= after:
        index += 1
    return at


def cadence_in_weeks(cadence: timedelta) -> int | None:
    """The cadence as whole weeks, or None when a weekly slot cannot follow it."""
    if cadence <= timedelta(0) or cadence % WEEK:
        return None
    return cadence // WEEK


# -- fitting ------------------------------------------------------------------------------------


def inside_hours(person: Availability, start: datetime, length: timedelta) -> bool:
    """Whether [start, start + length) lies inside the person's hours on one of their days."""
    local_start = start.astimezone(zone(person.time_zone))
    local_end = (start + length).astimezone(zone(person.time_zone))
    return (
        local_start.isoweekday() in person.working_days
        and local_start.date() == local_end.date()
        and person.working_hours_start <= local_start.time()
        and local_end.time() <= person.working_hours_end
    )


def slot_fits(
    slot: MeetingSlot,
    length: timedelta,
    people: Sequence[Availability],
    start: datetime,
    until: datetime,
) -> bool:
    """Every weekly occurrence in (start, until) exists and lies inside everyone's hours."""
    if length <= timedelta(0) or length > timedelta(days=1):
        return False
    day = _first_day_on_or_after(slot, start)
    while day <= _last_day(slot, until):
        if not _fits_on(slot, day, length, people, start, until):
            return False
        day += timedelta(days=7)
    return True


def _fits_on(
    slot: MeetingSlot,
    day: date,
    length: timedelta,
    people: Sequence[Availability],
    start: datetime,
    until: datetime,
) -> bool:
    at = wall_time(day, slot.start, slot.time_zone)
    if at is None:
        # A clock jumps over the start that day: nobody could meet at the rule's time.
        roughly = datetime.combine(day, slot.start, zone(slot.time_zone))
        return not start < roughly < until
    if not start < at < until:
        return True
    return all(inside_hours(person, at, length) for person in people)


def offered_slots(
    people: Sequence[Availability],
    length: timedelta,
    anchor_zone: str,
    start: datetime,
    until: datetime,
    step: timedelta = SLOT_STEP,
) -> tuple[MeetingSlot, ...]:
    """Every slot on the `step` grid of the anchor's day that fits the whole term for everyone."""
    zones = (anchor_zone, *(person.time_zone for person in people))
    found = []
    starts = int((timedelta(days=1) - length) / step) + 1 if length <= timedelta(days=1) else 0
    for weekday in range(1, 8):
        days = [day for day, _ in _week_groups(weekday, zones, start, until)]
        for n in range(starts):
            at = (datetime.min + n * step).time()
            slot = MeetingSlot(weekday=weekday, start=at, time_zone=anchor_zone)
            if all(_fits_on(slot, day, length, people, start, until) for day in days):
                found.append(slot)
    return tuple(found)


@lru_cache(maxsize=64)
def _week_groups(
    weekday: int, zones: tuple[str, ...], start: datetime, until: datetime
) -> tuple[tuple[date, int], ...]:
    """One day per group of the term's `weekday`s (in the first zone) that behave alike.

    Two such days behave alike for every slot when no zone changes its clock near either and
    every zone keeps the same offset: a fit depends only on the offsets. The first and last
    days (cut by the term's ends) and days near a clock change stand alone. Each day comes with
    how many days it stands for.
    """
    anchor = zone(zones[0])
    first = start.astimezone(anchor).date()
    first += timedelta(days=(weekday - first.isoweekday()) % 7)
    last = until.astimezone(anchor).date() + timedelta(days=1)
    days = [first + timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]
    groups: dict[object, list[date]] = {}
    for index, day in enumerate(days):
        before = datetime.combine(day - timedelta(days=2), time(0), anchor)
        after = datetime.combine(day + timedelta(days=3), time(0), anchor)
        offsets = tuple(before.astimezone(zone(name)).utcoffset() for name in zones)
        steady = offsets == tuple(after.astimezone(zone(name)).utcoffset() for name in zones)
        edge = index in (0, len(days) - 1)
        key: object = offsets if steady and not edge else day
        groups.setdefault(key, []).append(day)
    return tuple((members[0], len(members)) for members in groups.values())


# -- showing a slot to one person ---------------------------------------------------------------


def _local_label(at: datetime, length: timedelta, viewer_zone: str) -> str:
    local = at.astimezone(zone(viewer_zone))
    end = (at + length).astimezone(zone(viewer_zone))
    return f"{WEEKDAY_NAMES[local.isoweekday() - 1]}s {local:%H:%M}-{end:%H:%M}"


def describe_slot(
    slot: MeetingSlot,
    length: timedelta,
    viewer_zone: str,
    start: datetime,
    until: datetime,
) -> str:
    """The slot in the viewer's own time, e.g. "Tuesdays 09:00-10:00 (10:00-11:00 some weeks)".

    Over the term the viewer's local time can differ in the weeks when only one of the two
    zones has changed its clocks; those weeks are named as a second time, not hidden.
    """
    labels: Counter[str] = Counter()
    for day, weight in _week_groups(slot.weekday, (slot.time_zone, viewer_zone), start, until):
        at = wall_time(day, slot.start, slot.time_zone)
        if at is not None and start < at < until:
            labels[_local_label(at, length, viewer_zone)] += weight
    if not labels:
        at = first_occurrence_after(slot, start)
        return f"{_local_label(at, length, viewer_zone)} ({viewer_zone})"
    usual, *others = (label for label, _ in labels.most_common())
    text = f"{usual} ({viewer_zone})"
    if others:
        text += f"; some weeks when the clocks change: {', '.join(others)}"
    return text
