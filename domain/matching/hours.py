"""Working-hours overlap between people in different time zones.

Hours are converted to minutes of the UTC day on one reference date, because offsets move with
daylight saving and the matcher must give the same answer for the same input on any day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60


@cache
def utc_offset_minutes(time_zone: str, reference_date: str) -> int:
    noon = datetime.combine(date.fromisoformat(reference_date), time(12), ZoneInfo(time_zone))
    offset = noon.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def utc_window(start: time, end: time, time_zone: str, reference_date: str) -> tuple[int, int]:
    """(start, end) in minutes from UTC midnight; start in [0, 1440), end may pass 1440."""
    offset = utc_offset_minutes(time_zone, reference_date)
    begin = (start.hour * 60 + start.minute - offset) % DAY_MINUTES
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return begin, begin + length


def overlap_minutes(first: tuple[int, int], second: tuple[int, int]) -> int:
    """Overlap of two daily windows, counting the one that wraps past midnight UTC."""
    total = 0
    for shift in (-DAY_MINUTES, 0, DAY_MINUTES):
        low = max(first[0], second[0] + shift)
        high = min(first[1], second[1] + shift)
        total += max(0, high - low)
    return total
