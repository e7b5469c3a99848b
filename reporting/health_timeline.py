"""Health over time: how many of a programme's pairs were green, amber or red each week."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from store.database import Connection
from store.sql_files import load_sql

LEVELS = ("green", "amber", "red")


@dataclass(frozen=True)
class HealthChange:
    relationship_id: str
    at: datetime
    level: str


@dataclass(frozen=True)
class WeeklyHealth:
    week_ending: datetime
    counts: dict[str, int]


async def health_changes(conn: Connection, programme_id: str) -> list[HealthChange]:
    rows = await conn.fetch(load_sql("report_health_events"), programme_id)
    return [HealthChange(r["stream_id"], r["occurred_at"], r["level"]) for r in rows]


def weekly_health(
    changes: list[HealthChange], proposed_at: dict[str, datetime], until: datetime
) -> list[WeeklyHealth]:
    """The level each pair had at the end of each week since the first proposal.

    A pair counts from its proposal (green until assessed otherwise), so the totals follow the
    programme's size as pairs join.
    """
    if not proposed_at:
        return []
    week_end = min(proposed_at.values()) + timedelta(weeks=1)
    current: dict[str, str] = {}
    pending = sorted(changes, key=lambda change: change.at)
    weeks: list[WeeklyHealth] = []
    while week_end <= until + timedelta(weeks=1):
        while pending and pending[0].at <= week_end:
            change = pending.pop(0)
            current[change.relationship_id] = change.level
        counts = Counter(
            current.get(pair, "green") for pair, since in proposed_at.items() if since <= week_end
        )
        weeks.append(WeeklyHealth(week_end, {level: counts.get(level, 0) for level in LEVELS}))
        week_end += timedelta(weeks=1)
    return weeks
