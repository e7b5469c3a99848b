"""Escalation cases: tensions or red health that a coordinator must answer by a deadline."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Self

import asyncpg

from store.database import Connection
from store.personal_data import Sealer
from store.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What every view of a case shows: the pair, why and how serious, who answers it by when.

    The one declaration of these fields (the projections and the web import the store, never
    the reverse). Each view adds what only it carries, the private note only where it may be
    held, and reads its rows by column name: the columns are named as the fields are.
    """

    escalation_key: str
    relationship_id: str
    programme_id: str
    reason_codes: list[str]
    severity: str
    level: int
    assigned_to: str
    respond_by: datetime
    opened_at: datetime

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Self:
        return cls(**dict(row))


@dataclass(frozen=True, slots=True)
class CaseProgress(CaseFacts):
    """A case with where it stands: open, overdue since when, or resolved how and when."""

    status: str
    overdue_at: datetime | None
    resolution: str | None
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewEscalation(CaseFacts):
    private_note: str | None = field(repr=False)
    # Whose words the private note is (the participant who raised the case): its key seals it.
    author_id: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class EscalationRow(CaseProgress):
    # Coordinator-only text: kept out of the repr so it cannot leak into logs or tracebacks.
    private_note: str | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class OverdueChange:
    escalation_key: str
    level: int | None
    assigned_to: str | None
    respond_by: datetime | None
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Resolution:
    escalation_key: str
    resolution: str
    resolved_at: datetime


# What one escalation event does to its case, as the projector applies it.
EscalationChange = NewEscalation | OverdueChange | Resolution


async def open_escalation(conn: Connection, case: NewEscalation) -> bool:
    """Record ``case`` once per key; returns whether this call opened it."""
    opened = await conn.fetchval(
        load_sql("insert_escalation"),
        case.escalation_key,
        case.relationship_id,
        case.programme_id,
        case.reason_codes,
        case.severity,
        case.level,
        case.assigned_to,
        case.respond_by,
        case.opened_at,
        case.private_note,
    )
    return opened is not None


async def mark_overdue(conn: Connection, change: OverdueChange) -> EscalationRow | None:
    """Apply ``change``; returns the updated case, or None when it no longer applies."""
    record = await conn.fetchrow(
        load_sql("mark_escalation_overdue"),
        change.escalation_key,
        change.level,
        change.assigned_to,
        change.respond_by,
        change.occurred_at,
    )
    return None if record is None else EscalationRow.from_row(record)


async def resolve(conn: Connection, escalation_key: str, resolution: str, at: datetime) -> bool:
    """Resolve the case; returns False when it was already resolved (or does not exist)."""
    resolved = await conn.fetchval(load_sql("resolve_escalation"), escalation_key, resolution, at)
    return resolved is not None


async def get_escalation(
    conn: Connection, escalation_key: str, sealer: Sealer | None = None
) -> EscalationRow | None:
    """The case; with `sealer`, its private note readable (`[erased]` once its author was)."""
    record = await conn.fetchrow(load_sql("select_escalation"), escalation_key)
    if record is None:
        return None
    case = EscalationRow.from_row(record)
    if sealer is None:
        return case
    return replace(case, private_note=await sealer.unseal_text(conn, case.private_note))
