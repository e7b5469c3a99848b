"""Meeting slots inside both people's working hours, in their own zones, across clock changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.slots import (
    Availability,
    MeetingSlot,
    describe_slot,
    first_occurrence_after,
    next_series_occurrence,
    offered_slots,
    series_occurrence,
    slot_fits,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
HOUR = timedelta(hours=1)
# A term from February to December crosses both zones' clock changes, which fall on different
# Sundays: 8 and 29 March, 25 October and 1 November 2026.
WINTER_START = datetime(2026, 2, 2, tzinfo=UTC)
TERM_END = datetime(2026, 12, 1, tzinfo=UTC)
SUMMER_START = datetime(2026, 4, 6, tzinfo=UTC)
SUMMER_END = datetime(2026, 10, 1, tzinfo=UTC)


def hours(zone: str, start: int, end: int, days: tuple[int, ...] = (1, 2, 3, 4, 5)) -> Availability:
    return Availability(
        time_zone=zone,
        working_hours_start=time(start),
        working_hours_end=time(end),
        working_days=days,
    )


def codes(slots: tuple[MeetingSlot, ...]) -> list[str]:
    return [slot.code for slot in slots]


def local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


def test_a_berlin_and_new_york_pair_is_offered_only_the_afternoons_of_berlin() -> None:
    people = [hours(BERLIN, 9, 17), hours(NEW_YORK, 9, 17)]

    offered = offered_slots(people, HOUR, BERLIN, WINTER_START, TERM_END)

    # New York starts work at 15:00 Berlin time (14:00 in the weeks only New York's clock has
    # moved, which changes nothing here); Berlin stops at 17:00.
    expected = [f"{day}@{at}" for day in range(1, 6) for at in ("15:00", "15:30", "16:00")]
    assert [code.rsplit("@", 1)[0] for code in codes(offered)] == expected


def test_a_slot_that_fits_in_summer_is_refused_for_a_term_across_the_clock_changes() -> None:
    # An early New York schedule: 15:00 in Berlin is 09:00 in New York, except in the weeks
    # when New York has moved its clocks and Berlin not yet, when it is 10:00, end of the day.
    early_new_york = hours(NEW_YORK, 6, 10)
    people = [hours(BERLIN, 9, 17), early_new_york]
    tuesday_15 = MeetingSlot(weekday=2, start=time(15), time_zone=BERLIN)

    assert slot_fits(tuesday_15, HOUR, people, SUMMER_START, SUMMER_END)
    assert not slot_fits(tuesday_15, HOUR, people, WINTER_START, TERM_END)
    assert tuesday_15 in offered_slots(people, HOUR, BERLIN, SUMMER_START, SUMMER_END)
    assert tuesday_15 not in offered_slots(people, HOUR, BERLIN, WINTER_START, TERM_END)


def test_nobody_is_offered_a_slot_on_a_day_off() -> None:
    people = [hours(BERLIN, 9, 17, days=(1, 2)), hours(NEW_YORK, 9, 17, days=(2, 3))]

    offered = offered_slots(people, HOUR, BERLIN, WINTER_START, TERM_END)

    assert {slot.weekday for slot in offered} == {2}


def test_a_wall_time_that_a_clock_skips_is_no_slot() -> None:
    # Europe moves from 02:00 to 03:00 on the last Sunday of March.
    sunday_0230 = MeetingSlot(weekday=7, start=time(2, 30), time_zone=BERLIN)
    night_owls = [hours(BERLIN, 0, 6, days=(7,))]

    assert slot_fits(sunday_0230, HOUR / 2, night_owls, SUMMER_START, SUMMER_END)
    assert not slot_fits(sunday_0230, HOUR / 2, night_owls, WINTER_START, TERM_END)


def test_the_viewer_sees_the_slot_in_their_own_time_with_the_weeks_it_differs() -> None:
    tuesday_15 = MeetingSlot(weekday=2, start=time(15), time_zone=BERLIN)

    in_berlin = describe_slot(tuesday_15, HOUR, BERLIN, WINTER_START, TERM_END)
    in_new_york = describe_slot(tuesday_15, HOUR, NEW_YORK, WINTER_START, TERM_END)

    assert in_berlin == "Tuesdays 15:00-16:00 (Europe/Berlin)"
    assert in_new_york == (
        "Tuesdays 09:00-10:00 (America/New_York);"
        " some weeks when the clocks change: Tuesdays 10:00-11:00"
    )


def test_a_slot_reads_back_from_its_code() -> None:
    slot = MeetingSlot(weekday=4, start=time(16, 30), time_zone=NEW_YORK)

    assert MeetingSlot.from_code(slot.code, BERLIN) == slot
    assert MeetingSlot.from_code("TH@16:30", NEW_YORK) == slot
    assert MeetingSlot.from_code("4@16:30", NEW_YORK) == slot
    with pytest.raises(ValueError, match="TU@15:00"):
        MeetingSlot.from_code("Thursday 16:30", NEW_YORK)


def test_the_series_keeps_the_anchor_wall_time_across_its_clock_change() -> None:
    tuesday_15 = MeetingSlot(weekday=2, start=time(15), time_zone=BERLIN)
    first = first_occurrence_after(tuesday_15, WINTER_START)

    meetings = [series_occurrence(tuesday_15, first, 2, n) for n in range(20)]

    assert {local(m, BERLIN).time() for m in meetings} == {time(15)}
    assert {local(m, BERLIN).isoweekday() for m in meetings} == {2}
    # In UTC the meeting moves by an hour at each change: the rule is the wall clock.
    assert {m.hour for m in meetings} == {13, 14}


# -- properties ---------------------------------------------------------------------------------

ZONES = st.sampled_from(
    ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC", "Asia/Tokyo"]
)
WORKING_DAYS = st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True).map(
    lambda days: tuple(sorted(days))
)


@st.composite
def availabilities(draw: st.DrawFn) -> Availability:
    start = draw(st.integers(0, 20))
    end = draw(st.integers(start + 1, 23))
    return hours(draw(ZONES), start, end, draw(WORKING_DAYS))


@st.composite
def terms(draw: st.DrawFn) -> tuple[datetime, datetime]:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 365)))
    return start, start + timedelta(weeks=draw(st.integers(2, 40)))


def fits_by_brute_force(
    slot: MeetingSlot, length: timedelta, people: list[Availability], start: datetime, end: datetime
) -> bool:
    """Every day of the term, whether it is the slot's day and the meeting suits everybody."""
    anchor = ZoneInfo(slot.time_zone)
    day: date = start.astimezone(anchor).date()
    while day <= end.astimezone(anchor).date():
        if day.isoweekday() == slot.weekday:
            naive = datetime.combine(day, slot.start)
            at = naive.replace(tzinfo=anchor)
            if at.astimezone(UTC).astimezone(anchor).replace(tzinfo=None) != naive:
                if start < at < end:
                    return False  # the clock skips that time
            elif start < at < end:
                for person in people:
                    zone = ZoneInfo(person.time_zone)
                    begins, ends = at.astimezone(zone), (at + length).astimezone(zone)
                    if begins.isoweekday() not in person.working_days:
                        return False
                    if begins.date() != ends.date():
                        return False
                    if not person.working_hours_start <= begins.time() <= ends.time():
                        return False
                    if ends.time() > person.working_hours_end:
                        return False
        day += timedelta(days=1)
    return True


@settings(max_examples=80, deadline=None)
@given(
    first=availabilities(),
    second=availabilities(),
    length=st.sampled_from([HOUR / 2, HOUR, HOUR * 1.5]),
    term=terms(),
)
def test_exactly_the_slots_that_suit_both_in_every_week_are_offered(
    first: Availability, second: Availability, length: timedelta, term: tuple[datetime, datetime]
) -> None:
    start, end = term
    people = [first, second]

    offered = set(offered_slots(people, length, first.time_zone, start, end, step=HOUR))

    for weekday in range(1, 8):
        for clock in range(24):
            slot = MeetingSlot(weekday=weekday, start=time(clock), time_zone=first.time_zone)
            if datetime.combine(date.min, slot.start) + length > datetime.combine(
                date.min, time.max
            ):
                continue
            assert (slot in offered) == fits_by_brute_force(slot, length, people, start, end)


@settings(max_examples=60, deadline=None)
@given(
    zone=ZONES,
    weekday=st.integers(1, 7),
    clock=st.integers(0, 23),
    cadence=st.integers(1, 4),
    signed=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
    ),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
def test_the_next_meeting_is_the_first_occurrence_of_the_rule_after_now(
    zone: str,
    weekday: int,
    clock: int,
    cadence: int,
    signed: datetime,
    later: timedelta,
) -> None:
    slot = MeetingSlot(weekday=weekday, start=time(clock), time_zone=zone)
    first = first_occurrence_after(slot, signed)
    now = signed + later

    following = next_series_occurrence(slot, first, cadence, now)

    assert following > now
    local_first = first.astimezone(ZoneInfo(zone))
    local_next = following.astimezone(ZoneInfo(zone))
    assert local_next.isoweekday() == weekday
    assert (local_next.date() - local_first.date()).days % (7 * cadence) == 0
    # No occurrence of the series was skipped on the way.
    assert following - timedelta(weeks=cadence, hours=2) <= max(now, first)
