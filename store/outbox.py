"""The transactional outbox: messages recorded with the change that causes them, sent later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.database import Connection
from store.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    idempotency_key: str
    relationship_id: str | None
    recipient_id: str
    recipient_role: str
    template: str
    data: dict[str, Any]
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    outbox_id: int
    newly_queued: bool


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    idempotency_key: str
    relationship_id: str | None
    recipient_id: str
    recipient_role: str
    template: str
    data: dict[str, Any]
    not_before: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    attempts: int


async def enqueue(conn: Connection, message: OutboxMessage) -> QueuedMessage:
    """Queue ``message`` once per idempotency key; a repeat returns the first row's id."""
    new_id = await conn.fetchval(
        load_sql("insert_outbox"),
        message.idempotency_key,
        message.relationship_id,
        message.recipient_id,
        message.recipient_role,
        message.template,
        message.data,
        message.not_before,
    )
    if new_id is not None:
        return QueuedMessage(outbox_id=int(new_id), newly_queued=True)
    # ON CONFLICT waited for any concurrent writer of this key to commit, so the row is visible.
    existing = await get_by_key(conn, message.idempotency_key)
    if existing is None:
        raise RuntimeError("outbox row vanished between insert and select")
    return QueuedMessage(outbox_id=existing.id, newly_queued=False)


async def get_by_key(conn: Connection, idempotency_key: str) -> OutboxRow | None:
    record = await conn.fetchrow(load_sql("select_outbox"), idempotency_key)
    return None if record is None else OutboxRow(**dict(record))
