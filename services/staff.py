"""Staff actions on a relationship, and their audit trail: who did what to which case, when.

A coordinator's or owner's action goes through the relationship's `coordinator_action` update
(the workflow's validator decides), and is audited either way, applied or refused, in the event
store. The staff pages and the HR API's case routes both act through `act_on_relationship`.

Each relationship has its own audit stream, ``staff:{relationship_id}`` (relationship ids never
hold a colon, so it cannot collide with a relationship's stream). Projections skip it: its first
event is not a proposal. Entries hold ids and codes only, never free text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import asyncpg
from temporalio.client import WorkflowUpdateFailedError

from services.errors import RefusedError, refusal_of
from services.pairs import RelationshipHandle
from store.database import Pool
from store.sql_files import load_sql
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import CoordinatorCommand

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


async def act_on_relationship(
    handle: RelationshipHandle,
    command: CoordinatorCommand,
    action: StaffAction,
    *,
    pool: Pool,
    relationship_id: str,
    at: datetime,
) -> None:
    """Send a staff member's command and audit it; a refusal is audited with the domain's code
    and raised as a RefusedError. A timeout or an unreachable server is raised as it is: the
    action may or may not have applied, and nothing is audited."""
    stream = audit_stream(relationship_id)
    try:
        await handle.execute_update(RelationshipWorkflow.coordinator_action, command)
    except WorkflowUpdateFailedError as failure:
        refusal: RefusedError = refusal_of(failure, "The relationship refused this action.")
        refused = replace(action, outcome="refused", detail=refusal.code)
        await record_action(pool, stream, refused, at)
        raise refusal from None
    await record_action(pool, stream, action, at)
