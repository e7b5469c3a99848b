"""Leavers: who left their organisation and when, from HR's "participant left" events.

Every such event is kept, for any person of the organisation, so that retention can be compared
between the people a programme enrolled and the rest of the roster (reporting/retention.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from store.database import Connection
from store.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class RetentionCounts:
    """One group (enrolled or not) of a programme's organisations' people."""

    people: int
    left_during: int
    left_after: int


async def record_leaver(conn: Connection, person_id: str, organisation: str, left_on: date) -> None:
    await conn.execute(load_sql("upsert_leaver"), person_id, organisation, left_on)


async def retention_counts(
    conn: Connection,
    programme_id: str,
    organisations: Sequence[str],
    starts_on: date,
    ends_on: date,
) -> dict[bool, RetentionCounts]:
    """Enrolled (True) or not (False) -> the people still there on ``starts_on`` and how many
    of them left during the term or after ``ends_on``. A group with nobody is absent."""
    rows = await conn.fetch(
        load_sql("select_retention_counts"), programme_id, list(organisations), starts_on, ends_on
    )
    return {
        row["enrolled"]: RetentionCounts(row["people"], row["left_during"], row["left_after"])
        for row in rows
    }
