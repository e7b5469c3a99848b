"""Rebuild every read table from the `events` table.

Erasure holds across a rebuild: people erased earlier are scrubbed again before the commit.

One transaction: readers keep seeing the old tables until the new ones are complete, a failure
leaves the old ones untouched, and live projectors wait on the truncated tables' lock and then
continue from the rebuilt state. Streams are read and written in batches to bound memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from projections.changes import Changes, project_events
from projections.projector import (
    PROPOSAL_TYPE,
    contiguous_after,
    parse_events,
    unsealed_records,
)
from projections.stream import ProjectedStream
from projections.writer import write_changes
from store.database import Connection
from store.erasure import scrub_erased_people
from store.personal_data import Sealer
from store.sql_files import load_sql

DEFAULT_BATCH_SIZE = 200

# Called with (streams done, streams in total) after each batch.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RebuildResult:
    streams: int
    projected: int
    events: int
    # Streams that do not start with a proposal (nothing of them is projected).
    skipped: int
    # People erased earlier whom the events named again, scrubbed before the commit.
    erased_scrubbed: int = 0
    # Events written before sealing whose personal values were sealed by this rebuild.
    events_sealed: int = 0
    # Outbox notices that kept a participant's words in the clear, sealed by this rebuild.
    notices_sealed: int = 0


async def rebuild_read_models(
    conn: Connection,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    sealer: Sealer | None = None,
) -> RebuildResult:
    """Every read table again from the events; an erased person's sealed values come back as
    `erased` (their key is gone), so the rebuilt read model cannot name them.

    With `sealer` this is also how a store written before sealing is brought up to date: its
    events and outbox notices are sealed in place, and every read table is written anew with the
    personal text sealed (`projections.writer`)."""
    async with conn.transaction():
        # Events stored before sealing existed are sealed first (a no-op once they all are).
        sealed = 0 if sealer is None else await sealer.seal_stored_events(conn)
        notices = 0 if sealer is None else await sealer.seal_stored_notices(conn)
        await conn.execute(load_sql("truncate_read_models"))
        stream_ids = [r["stream_id"] for r in await conn.fetch(load_sql("select_stream_ids"))]
        done = projected = events = 0
        for start in range(0, len(stream_ids), batch_size):
            batch = stream_ids[start : start + batch_size]
            results = await _rebuild_batch(conn, batch, sealer)
            projected += len(results)
            events += sum(stream.version for stream, _ in results)
            done += len(batch)
            if progress is not None:
                progress(done, len(stream_ids))
        erased_scrubbed = await scrub_erased_people(conn)
    return RebuildResult(
        streams=len(stream_ids),
        projected=projected,
        events=events,
        skipped=len(stream_ids) - projected,
        erased_scrubbed=erased_scrubbed,
        events_sealed=sealed,
        notices_sealed=notices,
    )


async def _rebuild_batch(
    conn: Connection, stream_ids: Sequence[str], sealer: Sealer | None
) -> list[tuple[ProjectedStream, Changes]]:
    rows = await conn.fetch(load_sql("select_events_of_streams"), list(stream_ids))
    results: list[tuple[ProjectedStream, Changes]] = []
    for _, stream_rows in groupby(rows, key=lambda r: r["stream_id"]):
        records = contiguous_after(0, await unsealed_records(conn, list(stream_rows), sealer))
        # The live projector skips the same streams, so both sides agree on what exists.
        if records and records[0].event_type == PROPOSAL_TYPE:
            results.append(project_events(None, parse_events(records)))
    await write_changes(conn, results, sealer)
    return results
