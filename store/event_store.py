"""Append-only event streams, one per relationship."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.database import Connection
from store.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class NewEvent:
    stream_version: int
    event_type: str
    schema_version: int
    occurred_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    global_position: int
    stream_id: str
    stream_version: int
    event_type: str
    schema_version: int
    occurred_at: datetime
    data: dict[str, Any]
    recorded_at: datetime


async def append_events(conn: Connection, stream_id: str, events: Sequence[NewEvent]) -> int:
    """Append ``events`` to the stream; returns how many were new (the rest were already there)."""
    if not events:
        return 0
    appended = await conn.fetchval(
        load_sql("append_events"),
        stream_id,
        [e.stream_version for e in events],
        [e.event_type for e in events],
        [e.schema_version for e in events],
        [e.occurred_at for e in events],
        [e.data for e in events],
    )
    return int(appended)


async def conflicting_versions(
    conn: Connection, stream_id: str, events: Sequence[NewEvent]
) -> list[int]:
    """Versions of ``events`` whose stored event differs in type or data from the one given."""
    if not events:
        return []
    rows = await conn.fetch(
        load_sql("conflicting_events"),
        stream_id,
        [e.stream_version for e in events],
        [e.event_type for e in events],
        [e.data for e in events],
    )
    return [int(row["stream_version"]) for row in rows]


async def read_stream(conn: Connection, stream_id: str) -> list[StoredEvent]:
    rows = await conn.fetch(load_sql("read_stream"), stream_id)
    return [StoredEvent(**dict(row)) for row in rows]


async def read_stream_after(conn: Connection, stream_id: str, version: int) -> list[StoredEvent]:
    """The events of `stream_id` past `version`, in order."""
    rows = await conn.fetch(load_sql("read_stream_after"), stream_id, version)
    return [StoredEvent(**dict(row)) for row in rows]


async def holds_after(conn: Connection, stream_id: str, version: int) -> bool:
    return bool(await conn.fetchval(load_sql("stream_holds_after"), stream_id, version))


async def read_stream_of_types(
    conn: Connection, stream_id: str, event_types: Sequence[str]
) -> list[StoredEvent]:
    """The events of `stream_id` of the given types only, in order."""
    rows = await conn.fetch(load_sql("read_stream_of_types"), stream_id, list(event_types))
    return [StoredEvent(**dict(row)) for row in rows]
