"""How dispatchers take outbox rows: claim for a lease, record progress, release on failure.

Every write after the claim is guarded by the claim token, so a dispatcher that outlived its
lease (and whose row another dispatcher took over) cannot overwrite the newer holder's state.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.database import Connection
from store.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    id: int
    idempotency_key: str
    relationship_id: str | None
    recipient_id: str
    recipient_role: str
    template: str
    data: dict[str, Any]
    created_at: datetime
    # Including this claim: 1 on the first try.
    attempts: int
    email_sent_at: datetime | None
    webhook_sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Claim:
    token: uuid.UUID
    until: datetime
    rows: list[ClaimedRow]


async def claim_due(conn: Connection, now: datetime, limit: int, until: datetime) -> Claim:
    token = uuid.uuid4()
    records = await conn.fetch(load_sql("claim_outbox"), now, limit, token, until)
    rows = sorted((ClaimedRow(**dict(r)) for r in records), key=lambda row: row.id)
    return Claim(token=token, until=until, rows=rows)


async def start_sending(conn: Connection, row_id: int, token: uuid.UUID, until: datetime) -> bool:
    """Renews the lease of one row; False when another dispatcher took it over meanwhile."""
    renewed = await conn.fetchval(load_sql("start_sending"), row_id, token, until)
    return renewed is not None


async def mark_progress(
    conn: Connection,
    row_id: int,
    token: uuid.UUID,
    now: datetime,
    *,
    email_sent: bool = False,
    webhook_sent: bool = False,
    delivered: bool = False,
) -> bool:
    """False when the claim was lost (lease expired and taken over): nothing was written."""
    marked = await conn.fetchval(
        load_sql("mark_outbox_progress"), row_id, token, now, email_sent, webhook_sent, delivered
    )
    return marked is not None


async def release_failure(
    conn: Connection,
    row_id: int,
    token: uuid.UUID,
    *,
    retry_at: datetime | None,
    failed_at: datetime | None,
    error: str,
) -> bool:
    released = await conn.fetchval(
        load_sql("release_outbox_failure"), row_id, token, retry_at, failed_at, error
    )
    return released is not None


async def defer(conn: Connection, row_id: int, token: uuid.UUID, until: datetime) -> bool:
    deferred = await conn.fetchval(load_sql("defer_outbox"), row_id, token, until)
    return deferred is not None


async def series_events(
    conn: Connection, relationship_id: str, as_of: datetime, event_types: Sequence[str]
) -> list[tuple[str, dict[str, Any]]]:
    """The relationship's events of ``event_types`` recorded up to ``as_of``, in order."""
    records = await conn.fetch(
        load_sql("select_series_events"), relationship_id, as_of, list(event_types)
    )
    return [(r["event_type"], r["data"]) for r in records]
