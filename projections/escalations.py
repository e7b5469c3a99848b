"""The escalation read model: cases with reason codes, severity, assignee, deadline, escalation
to the owner, resolution and time to resolve (the `escalation_cases` view).

The cases themselves are projected from the escalation events with the other read tables
(`changes.py`, written through `store/escalations.py`); this is the coordinator- and
report-facing view of them, which leaves out the participant's private note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from store.database import Connection
from store.escalations import CaseProgress
from store.sql_files import load_sql

CaseStatus = Literal["open", "overdue", "resolved"]


@dataclass(frozen=True, slots=True)
class EscalationCaseView(CaseProgress):
    escalated_to_owner: bool
    time_to_resolve: timedelta | None


@dataclass(frozen=True, slots=True)
class ProgrammeMetrics:
    """Counts per programme (the `programme_metrics` view); no individual answers in here."""

    programme_id: str
    relationships: int
    pairs_by_phase: dict[str, int]
    pairs_by_mode: dict[str, int]
    pairs_by_health: dict[str, int]
    meetings_held: int
    meetings_missed: int
    meetings_cancelled: int
    escalations_open: int
    escalations_resolved: int
    escalations_to_owner: int
    mean_time_to_resolve: timedelta | None
    mutual_evolutions: int
    completed: int
    ended_early: int
    declined: int
    early_ends_by_reason: dict[str, int]


async def escalation_cases(
    conn: Connection, programme_id: str, status: CaseStatus | None = None
) -> list[EscalationCaseView]:
    rows = await conn.fetch(load_sql("select_escalation_cases"), programme_id, status)
    return [EscalationCaseView.from_row(row) for row in rows]


async def programme_metrics(conn: Connection, programme_id: str) -> ProgrammeMetrics | None:
    row = await conn.fetchrow(load_sql("select_programme_metrics"), programme_id)
    if row is None:
        return None
    values: dict[str, Any] = dict(row)
    return ProgrammeMetrics(**values)
