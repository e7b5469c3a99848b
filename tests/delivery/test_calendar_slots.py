"""The invite of a pair that agreed a slot, read back with a real iCalendar parser.

A pair in Europe/Berlin and America/New_York agrees Tuesdays 15:00 Berlin time for a term that
crosses both zones' clock changes. Expanding the invite's RRULE (python-dateutil, on the wall
clock of DTSTART's zone as RFC 5545 says) must give the meetings the domain schedules, each
inside both people's working hours, with a moved meeting shown at its new time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # no stubs locked
from icalendar import Calendar

from delivery.calendar import build_invite
from delivery.series import fold_series
from domain import (
    ContractProposalAnswer,
    ContractReviewAnswer,
    Event,
    MeetingLogAnswer,
    MeetingScheduled,
    PauseRelationship,
    RelationshipPolicy,
)
from domain.slots import Availability, MeetingSlot, inside_hours
from tests.delivery.ical import events, prop, sequence
from tests.domain.support import Pair, start_command, terms

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
BERLIN_HOURS = Availability(
    time_zone=BERLIN, working_hours_start=time(9), working_hours_end=time(17)
)
NEW_YORK_HOURS = Availability(
    time_zone=NEW_YORK, working_hours_start=time(9), working_hours_end=time(17)
)
TUESDAY_15_BERLIN = MeetingSlot(weekday=2, start=time(15), time_zone=BERLIN)
LENGTH = timedelta(hours=1)


def agreed_pair() -> Pair:
    """Signed in early March 2025: the term crosses March's and October's clock changes."""
    start = start_command(RelationshipPolicy.standard()).model_copy(
        update={"mentor_availability": BERLIN_HOURS, "mentee_availability": NEW_YORK_HOURS}
    )
    pair = Pair(start=start)
    pair.onboard()
    proposed = terms(
        pair.now, cadence=timedelta(weeks=2), length=LENGTH, term=timedelta(weeks=40)
    ).model_copy(update={"slot": TUESDAY_15_BERLIN, "location": "https://video.example/room-7"})
    pair.answer("contract:v1:propose:mentor", ContractProposalAnswer(terms=proposed))
    pair.answer("contract:v1:review:mentee", ContractReviewAnswer(decision="accept"))
    return pair


def stored(pair_events: list[Event]) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, e.model_dump(mode="json")) for e in pair_events]


def invite_of(pair: Pair) -> tuple[str, Calendar]:
    series = fold_series("rel-1", stored(pair.events))
    assert series is not None
    invite = build_invite(
        series, organizer_email="twoway@example.test", attendee_email="a@example.test", now=pair.now
    )
    return invite.method, Calendar.from_ical(invite.ics)


def occurrences(calendar: Calendar) -> list[datetime]:
    """Every meeting a calendar client shows: the expanded RRULE with overrides applied."""
    master, *overrides = events(calendar)
    start: datetime = master.decoded("DTSTART")
    rule = rrulestr(prop(master, "RRULE").to_ical().decode(), dtstart=start)
    moved = {o.decoded("RECURRENCE-ID"): o.decoded("DTSTART") for o in overrides}
    return [moved.get(at, at) for at in rule]


def domain_meetings(pair: Pair) -> list[datetime]:
    return [e.scheduled_at for e in pair.events if isinstance(e, MeetingScheduled)]


def test_the_invite_recurs_on_the_anchor_wall_clock_with_its_time_zone() -> None:
    pair = agreed_pair()

    method, calendar = invite_of(pair)

    assert method == "REQUEST"
    [master] = events(calendar)
    start = master.decoded("DTSTART")
    assert str(start.tzinfo) == BERLIN
    assert "DTSTART;TZID=Europe/Berlin:" in master.to_ical().decode()
    rule = dict(prop(master, "RRULE"))
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["INTERVAL"] == [2]
    assert rule["BYDAY"] == ["TU"]
    assert str(prop(master, "LOCATION")) == "https://video.example/room-7"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(prop(zone, "TZID")) == BERLIN


def test_every_occurrence_lies_inside_both_peoples_hours_across_the_clock_changes() -> None:
    pair = agreed_pair()
    term_end = pair.state.term_end
    assert term_end is not None
    pair.engage_until(term_end - timedelta(days=1))

    _, calendar = invite_of(pair)
    shown = occurrences(calendar)

    assert len(shown) >= 18
    for at in shown:
        assert inside_hours(BERLIN_HOURS, at, LENGTH), at
        assert inside_hours(NEW_YORK_HOURS, at, LENGTH), at
    # New York sees 09:00 most weeks and 10:00 in the weeks only its own clock has moved.
    assert {at.astimezone(ZoneInfo(NEW_YORK)).hour for at in shown} == {9, 10}
    # What the calendar shows is what the relationship schedules, meeting by meeting.
    assert [at.astimezone(ZoneInfo("UTC")) for at in shown[: len(domain_meetings(pair))]] == [
        at.astimezone(ZoneInfo("UTC")) for at in domain_meetings(pair)
    ]


def test_a_moved_meeting_shows_its_new_time_and_the_update_bumps_the_sequence() -> None:
    pair = agreed_pair()
    _, before = invite_of(pair)
    first = pair.state.meeting(1)
    pair.advance_to(first.ends_at)
    thursday = first.scheduled_at + timedelta(days=2)
    pair.answer("meeting:1:log:mentee", MeetingLogAnswer(happened=False, reschedule_to=thursday))

    _, after = invite_of(pair)
    master, override = events(after)
    shown = occurrences(after)

    assert sequence(master) == sequence(override) == sequence(events(before)[0]) + 1
    assert override.decoded("RECURRENCE-ID") == first.scheduled_at
    assert str(override.decoded("RECURRENCE-ID").tzinfo) == BERLIN
    assert shown[0] == thursday
    assert shown[1] == first.scheduled_at + timedelta(weeks=2)


def test_a_pause_cancels_the_series() -> None:
    pair = agreed_pair()
    pair.send(PauseRelationship())

    method, calendar = invite_of(pair)

    assert method == "CANCEL"
    [master] = events(calendar)
    assert str(prop(master, "STATUS")) == "CANCELLED"
    assert str(master.decoded("DTSTART").tzinfo) == BERLIN


def test_a_meeting_moved_after_the_clock_change_overrides_its_occurrence_in_place() -> None:
    pair = agreed_pair()
    _, before = invite_of(pair)
    # Into summer time: the series' elapsed hours are no longer whole weeks from its start.
    pair.engage_until(datetime(2025, 4, 20, tzinfo=ZoneInfo("UTC")))
    meeting = pair.state.pending_meeting
    assert meeting is not None
    pair.advance_to(meeting.ends_at)
    friday = meeting.scheduled_at + timedelta(days=3)
    pair.answer(
        f"meeting:{meeting.number}:log:mentee",
        MeetingLogAnswer(happened=False, reschedule_to=friday),
    )

    _, after = invite_of(pair)
    master, override = events(after)

    assert master.decoded("DTSTART") == events(before)[0].decoded("DTSTART")
    assert sequence(master) == sequence(events(before)[0]) + 1
    assert override.decoded("RECURRENCE-ID") == meeting.scheduled_at
    assert friday in occurrences(after)
    assert meeting.scheduled_at not in occurrences(after)
