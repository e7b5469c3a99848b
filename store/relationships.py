"""The ``relationships`` read table: one row per relationship, projected from its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.database import Connection
from store.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class RelationshipRow:
    relationship_id: str
    programme_id: str
    mentor_id: str
    mentee_id: str
    phase: str
    mode: str
    health: str
    next_due_at: datetime | None
    escalation_open: bool
    last_version: int
    updated_at: datetime


async def upsert_relationship(conn: Connection, row: RelationshipRow) -> bool:
    """Store ``row`` if it is newer than what is there; returns whether it was written."""
    written = await conn.fetchval(
        load_sql("upsert_relationship"),
        row.relationship_id,
        row.programme_id,
        row.mentor_id,
        row.mentee_id,
        row.phase,
        row.mode,
        row.health,
        row.next_due_at,
        row.escalation_open,
        row.last_version,
        row.updated_at,
    )
    return written is not None


async def get_relationship(conn: Connection, relationship_id: str) -> RelationshipRow | None:
    record = await conn.fetchrow(load_sql("select_relationship"), relationship_id)
    return None if record is None else RelationshipRow(**dict(record))
