from __future__ import annotations

from datetime import timedelta
from typing import Any

from icalendar import Calendar, Component

from delivery.calendar import build_invite, recurrence_for, series_uid
from delivery.series import MeetingSeries, fold_series
from tests.delivery.conftest import MONDAY_10_UTC
from tests.delivery.history import FIRST_MEETING, TERM_END, History
from tests.delivery.ical import events, prop, rrule, sequence


def series_of(history: History) -> MeetingSeries:
    series = fold_series("rel-1", history.as_stored())
    assert series is not None
    return series


def parse(series: MeetingSeries) -> tuple[str, list[Component]]:
    invite = build_invite(
        series,
        organizer_email="twoway@example.test",
        attendee_email="a@example.test",
        now=MONDAY_10_UTC,
    )
    calendar = Calendar.from_ical(invite.ics)
    assert str(prop(calendar, "METHOD")) == invite.method
    return invite.method, events(calendar)


def test_no_series_before_a_meeting_is_scheduled_under_a_contract() -> None:
    assert fold_series("rel-1", History().signed().as_stored()) is None
    assert fold_series("rel-1", History().scheduled(1, FIRST_MEETING).as_stored()) is None


def test_the_agreed_series_parses_back_with_its_recurrence_length_and_end() -> None:
    history = History().signed(cadence=timedelta(weeks=2)).scheduled(1, FIRST_MEETING)

    method, found = parse(series_of(history))

    assert method == "REQUEST"
    [event] = found
    assert str(prop(event, "UID")) == "rel-1-meetings@twoway"
    assert event.decoded("DTSTART") == FIRST_MEETING
    assert event.decoded("DURATION") == timedelta(minutes=45)
    rule = rrule(event)
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["INTERVAL"] == [2]
    assert rule["UNTIL"] == [TERM_END]
    assert sequence(event) == 0
    assert "emp" not in event.to_ical().decode()  # no ids or names in the invite text


def test_meetings_on_the_agreed_rhythm_do_not_change_the_invite() -> None:
    first = History().signed().scheduled(1, FIRST_MEETING)
    later = History().signed().scheduled(1, FIRST_MEETING)
    later.scheduled(2, FIRST_MEETING + timedelta(weeks=2))
    later.scheduled(3, FIRST_MEETING + timedelta(weeks=4))

    assert series_of(later) == series_of(first)


def test_a_rescheduled_meeting_becomes_an_override_and_bumps_the_sequence() -> None:
    moved_to = FIRST_MEETING + timedelta(days=1)
    history = History().signed().scheduled(1, FIRST_MEETING).rescheduled(1, FIRST_MEETING, moved_to)

    method, found = parse(series_of(history))

    assert method == "REQUEST"
    master, override = found
    assert sequence(master) == sequence(override) == 1
    assert override.decoded("RECURRENCE-ID") == FIRST_MEETING
    assert override.decoded("DTSTART") == moved_to
    assert str(prop(override, "UID")) == str(prop(master, "UID"))


def test_a_shifted_rhythm_re_anchors_the_series() -> None:
    moved_to = FIRST_MEETING + timedelta(days=1)
    history = (
        History()
        .signed()
        .scheduled(1, FIRST_MEETING)
        .rescheduled(1, FIRST_MEETING, moved_to)
        .scheduled(2, moved_to + timedelta(weeks=2))
    )

    series = series_of(history)

    assert series.first_start == moved_to + timedelta(weeks=2)
    assert series.moved == ()
    assert series.sequence == 2


def test_pause_cancels_the_series_with_a_higher_sequence() -> None:
    history = History().signed().scheduled(1, FIRST_MEETING).paused()

    method, [event] = parse(series_of(history))

    assert method == "CANCEL"
    assert str(prop(event, "STATUS")) == "CANCELLED"
    assert sequence(event) == 1
    assert str(prop(event, "UID")) == series_uid("rel-1")


def test_resuming_requests_the_series_again_from_the_next_meeting() -> None:
    restart = FIRST_MEETING + timedelta(weeks=5, hours=1)
    history = History().signed().scheduled(1, FIRST_MEETING).paused().resumed()
    history.scheduled(2, restart)

    series = series_of(history)

    assert not series.cancelled
    assert series.first_start == restart
    assert series.sequence == 2


def test_extending_the_term_moves_the_until_and_bumps_the_sequence() -> None:
    later_end = TERM_END + timedelta(weeks=8)
    history = History().signed().scheduled(1, FIRST_MEETING).extended(later_end)

    _, [event] = parse(series_of(history))

    assert rrule(event)["UNTIL"] == [later_end]
    assert sequence(event) == 1


def test_cadences_map_to_the_coarsest_exact_frequency() -> None:
    def rule(cadence: timedelta) -> bytes:
        recurrence: Any = recurrence_for(cadence, None)
        return bytes(recurrence.to_ical())

    assert rule(timedelta(weeks=1)) == b"FREQ=WEEKLY;INTERVAL=1"
    assert rule(timedelta(days=10)) == b"FREQ=DAILY;INTERVAL=10"
    assert rule(timedelta(hours=36)) == b"FREQ=HOURLY;INTERVAL=36"
    assert rule(timedelta(minutes=3)) == b"FREQ=MINUTELY;INTERVAL=3"
