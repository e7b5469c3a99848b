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


async def get_relationship(conn: Connection, relationship_id: str) -> RelationshipRow | None:
    record = await conn.fetchrow(load_sql("select_relationship"), relationship_id)
    return None if record is None else RelationshipRow(**dict(record))
