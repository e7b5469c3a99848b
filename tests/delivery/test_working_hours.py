from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from delivery.working_hours import next_send_time
from tests.delivery.conftest import person


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_reminder_inside_working_hours_goes_out_now() -> None:
    paris = person("p", time_zone="Europe/Paris")
    now = utc(2026, 3, 4, 12, 0)  # Wednesday 13:00 in Paris

    assert next_send_time(now, paris) == now


def test_a_reminder_before_the_day_starts_waits_for_nine_local() -> None:
    tokyo = person("p", time_zone="Asia/Tokyo")
    now = utc(2026, 3, 3, 22, 0)  # Wednesday 07:00 in Tokyo

    assert next_send_time(now, tokyo) == utc(2026, 3, 4, 0, 0)  # Wednesday 09:00 JST


def test_a_reminder_after_hours_waits_for_the_next_working_morning() -> None:
    new_york = person("p", time_zone="America/New_York")
    now = utc(2026, 3, 4, 23, 0)  # Wednesday 18:00 in New York (EST, UTC-5)

    assert next_send_time(now, new_york) == utc(2026, 3, 5, 14, 0)  # Thursday 09:00 EST


def test_a_friday_evening_reminder_waits_for_monday() -> None:
    paris = person("p", time_zone="Europe/Paris")
    now = utc(2026, 3, 6, 17, 0)  # Friday 18:00 in Paris

    assert next_send_time(now, paris) == utc(2026, 3, 9, 8, 0)  # Monday 09:00 CET


def test_working_hours_follow_daylight_saving_time() -> None:
    paris = person("p", time_zone="Europe/Paris")
    # Saturday before the switch to summer time (29 March 2026); Monday is then UTC+2.
    now = utc(2026, 3, 28, 10, 0)

    assert next_send_time(now, paris) == utc(2026, 3, 30, 7, 0)  # Monday 09:00 CEST


def test_the_same_instant_is_deferred_for_one_person_and_not_for_another() -> None:
    now = utc(2026, 3, 4, 7, 30)
    london = person("a", time_zone="Europe/London")  # 07:30 local: too early
    singapore = person("b", time_zone="Asia/Singapore")  # 15:30 local: fine

    assert next_send_time(now, london) == utc(2026, 3, 4, 9, 0)
    assert next_send_time(now, singapore) == now


def test_custom_hours_and_days_are_respected() -> None:
    weekend_worker = person(
        "p",
        working_hours_start=time(7, 0),
        working_hours_end=time(12, 0),
        working_days=(6, 7),
    )
    now = utc(2026, 3, 4, 8, 0)  # Wednesday

    assert next_send_time(now, weekend_worker) == utc(2026, 3, 7, 7, 0)  # Saturday 07:00


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    typo = person("p", time_zone="Europe/Pariss")

    assert next_send_time(utc(2026, 3, 4, 6, 0), typo) == utc(2026, 3, 4, 9, 0)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_send_time(datetime(2026, 3, 4, 6, 0), person("p"))
