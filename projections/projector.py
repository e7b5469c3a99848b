"""The live projector: folds a stream's newly stored events into the read tables.

`record_events` calls it in the transaction that appends the events, so the events and their
projection commit together. It reads the new events back from the `events` table rather than
trusting the batch it was handed: a retried batch then finds nothing new (and changes nothing),
and a batch stored out of order waits until the gap before it is filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from domain.events import EVENT_ADAPTER, Event
from projections.changes import project_events
from projections.stream import WORDS_IN_STATE, ProjectedStream
from projections.writer import EscalationNews, write_changes
from store.database import Connection
from store.personal_data import Sealer
from store.sql_files import load_sql

PROPOSAL_TYPE = "relationship_proposed"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    stream_version: int
    event_type: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Projected:
    version: int  # the stream version the read tables now reflect
    escalations: EscalationNews


async def project_stream(
    conn: Connection, stream_id: str, sealer: Sealer | None = None
) -> int | None:
    """Project the stream's unprojected events; returns the version the read tables reflect.

    None means the stream has nothing projectable: it does not (yet) start with a proposal.
    Must run inside the caller's transaction. `sealer` reads the personal values of a store
    that seals them (`store.personal_data`).
    """
    projected = await project_new_events(conn, stream_id, sealer)
    return None if projected is None else projected.version


async def project_new_events(
    conn: Connection, stream_id: str, sealer: Sealer | None = None
) -> Projected | None:
    """`project_stream`, also telling which escalation cases this projection opened or raised."""
    await conn.execute(load_sql("lock_stream_projection"), stream_id)
    current = await load_projected(conn, stream_id, sealer)
    since = 0 if current is None else current.version
    records = contiguous_after(since, await _records_after(conn, stream_id, since, sealer))
    if current is None and (not records or records[0].event_type != PROPOSAL_TYPE):
        return None
    if not records:
        return Projected(since, EscalationNews())
    stream, changes = project_events(current, parse_events(records))
    news = await write_changes(conn, [(stream, changes)], sealer)
    return Projected(stream.version, news)


async def load_projected(
    conn: Connection, stream_id: str, sealer: Sealer | None = None
) -> ProjectedStream | None:
    """The stream's folded state as last stored (its personal values unsealed with `sealer`)."""
    row = await conn.fetchrow(load_sql("select_projection_state"), stream_id)
    if row is None:
        return None
    state: dict[str, Any] = row["state"]
    if sealer is not None:
        relationship = state["relationship"]
        words = {part: relationship[part] for part in WORDS_IN_STATE}
        relationship.update(await sealer.unseal(conn, words))
    return ProjectedStream.from_json(state)


def contiguous_after(since: int, records: Sequence[StoredRecord]) -> list[StoredRecord]:
    """The records that follow `since` without a gap (a missing version stops the fold)."""
    run: list[StoredRecord] = []
    expected = since + 1
    for record in records:
        if record.stream_version != expected:
            break
        run.append(record)
        expected += 1
    return run


def parse_events(records: Sequence[StoredRecord]) -> list[Event]:
    # A stored event that no longer parses is a bug to fix, not something to skip: skipping
    # would silently fork the read model from the history. The activity fails and retries.
    return [EVENT_ADAPTER.validate_python(record.data) for record in records]


async def _records_after(
    conn: Connection, stream_id: str, since: int, sealer: Sealer | None
) -> list[StoredRecord]:
    rows = await conn.fetch(load_sql("select_events_after"), stream_id, since)
    return await unsealed_records(conn, rows, sealer)


async def unsealed_records(
    conn: Connection, rows: Sequence[asyncpg.Record], sealer: Sealer | None
) -> list[StoredRecord]:
    """Stored rows as records, with personal values unsealed (or marked erased)."""
    datas = [r["data"] for r in rows]
    if sealer is not None:
        datas = await sealer.unseal_all(conn, datas)
    return [
        StoredRecord(r["stream_version"], r["event_type"], data)
        for r, data in zip(rows, datas, strict=True)
    ]
