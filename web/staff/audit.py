"""The staff audit trail: who did what to which case, when, kept in the event store.

Each relationship has its own audit stream, ``staff:{relationship_id}`` (relationship ids never
hold a colon, so it cannot collide with a relationship's stream). Projections skip it: its first
event is not a proposal. Entries hold ids and codes only, never free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from store.database import Pool
from web.sql_files import load_sql

_APPEND_ATTEMPTS = 5

ACTION_TITLES = {
    "acknowledged": "acknowledged the case",
    "talking_to_raiser": "is talking to the person who raised it first",
    "resolved": "resolved the case",
    "paused": "paused the pair",
    "resumed": "resumed the pair",
    "ended": "ended the pair",
    "term_extended": "extended the term",
    "overrode": "changed the proposal",
    "approved": "approved the proposal",
}


def audit_stream(relationship_id: str) -> str:
    return f"staff:{relationship_id}"


@dataclass(frozen=True, slots=True)
class StaffAction:
    actor: str
    action: str
    outcome: str = "applied"
    escalation_id: str | None = None
    detail: str | None = None

    def as_data(self) -> dict[str, Any]:
        data = {
            "actor": self.actor,
            "action": self.action,
            "outcome": self.outcome,
            "escalation_id": self.escalation_id,
            "detail": self.detail,
        }
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    outcome: str
    escalation_id: str | None
    detail: str | None

    @property
    def title(self) -> str:
        return ACTION_TITLES.get(self.action, self.action.replace("_", " "))


async def record_action(pool: Pool, stream: str, action: StaffAction, at: datetime) -> None:
    """Append ``action`` to the audit ``stream`` (``audit_stream`` of a relationship, or a
    programme's)."""
    async with pool.acquire() as conn:
        for attempt in range(_APPEND_ATTEMPTS):
            try:
                await conn.fetchval(load_sql("staff_append_audit"), stream, at, action.as_data())
                return
            except asyncpg.UniqueViolationError:
                # Two staff members acted at once: take the next position.
                if attempt == _APPEND_ATTEMPTS - 1:
                    raise


async def audit_trail(pool: Pool, relationship_id: str) -> list[AuditEntry]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_read_audit"), audit_stream(relationship_id))
    return [
        AuditEntry(
            at=row["occurred_at"],
            actor=row["data"]["actor"],
            action=row["data"]["action"],
            outcome=row["data"].get("outcome", "applied"),
            escalation_id=row["data"].get("escalation_id"),
            detail=row["data"].get("detail"),
        )
        for row in rows
    ]
