"""Applies projected changes to the read tables (one `executemany` per table)."""

from __future__ import annotations

from collections.abc import Sequence

from projections.changes import Changes
from projections.rows import params
from projections.stream import ProjectedStream
from store.database import Connection
from store.sql_files import load_sql


async def write_changes(
    conn: Connection, projected: Sequence[tuple[ProjectedStream, Changes]]
) -> None:
    """Write the changes of one or more streams; the caller owns the transaction."""
    if not projected:
        return
    changes = [c for _, c in projected]
    await _many(conn, "project_relationship", [params(c.relationship) for c in changes])
    await _many(conn, "upsert_meeting", [params(m) for c in changes for m in c.meetings])
    # Closed and opened keys come from one before/after diff, so they never overlap.
    await _many(conn, "delete_pending_prompt", [key for c in changes for key in c.prompts_closed])
    await _many(
        conn, "upsert_pending_prompt", [params(p) for c in changes for p in c.prompts_opened]
    )
    await _many(
        conn, "upsert_checkin_answer", [params(a) for c in changes for a in c.checkin_answers]
    )
    await _many(
        conn, "upsert_closing_reflection", [params(r) for c in changes for r in c.reflections]
    )
    await _many(
        conn,
        "upsert_projection_state",
        [(s.relationship.relationship_id, s.version, s.to_json()) for s, _ in projected],
    )


async def _many(conn: Connection, statement: str, rows: Sequence[tuple[object, ...]]) -> None:
    if rows:
        await conn.executemany(load_sql(statement), rows)
