"""Reads for the participants' inbox and their own history.

Every function that returns answers takes the id of the person asking and returns only that
person's rows: check-in answers and reflections are private to their author, and the partner
must never see them, whatever parameters a caller passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import asyncpg

from projections.rows import CheckInAnswerRow, ClosingReflectionRow, MeetingRow, PendingPromptRow
from store.database import Connection
from store.sql_files import load_sql

RowT = TypeVar("RowT")


async def pending_prompts_for(conn: Connection, recipient_id: str) -> list[PendingPromptRow]:
    """What `recipient_id` still has to answer, across all their relationships, soonest first."""
    rows = await conn.fetch(load_sql("select_pending_prompts_for"), recipient_id)
    return _rows(PendingPromptRow, rows)


async def own_checkin_answers(
    conn: Connection, requester_id: str, relationship_id: str | None = None
) -> list[CheckInAnswerRow]:
    """The requester's own check-in answers (optionally in one relationship)."""
    rows = await conn.fetch(load_sql("select_own_checkin_answers"), requester_id, relationship_id)
    return _rows(CheckInAnswerRow, rows)


async def own_closing_reflections(
    conn: Connection, requester_id: str, relationship_id: str | None = None
) -> list[ClosingReflectionRow]:
    rows = await conn.fetch(
        load_sql("select_own_closing_reflections"), requester_id, relationship_id
    )
    return _rows(ClosingReflectionRow, rows)


async def meetings_of(conn: Connection, relationship_id: str) -> list[MeetingRow]:
    rows = await conn.fetch(load_sql("select_meetings"), relationship_id)
    return _rows(MeetingRow, rows)


def _rows(row_type: Callable[..., RowT], records: Iterable[asyncpg.Record]) -> list[RowT]:
    return [row_type(**dict(record)) for record in records]
