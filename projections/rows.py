"""Rows of the read tables, as plain frozen records (the SQL parameters in column order)."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class RelationshipReadRow:
    relationship_id: str
    programme_id: str
    mentor_id: str
    mentee_id: str
    phase: str
    mode: str
    health: str
    next_due_at: datetime | None
    escalation_open: bool
    last_version: int
    updated_at: datetime
    proposed_at: datetime | None
    initial_mode: str
    became_mutual_at: datetime | None
    term_number: int
    end_reason: str | None
    ended_at: datetime | None
    participant_phase: str


@dataclass(frozen=True, slots=True)
class MeetingRow:
    relationship_id: str
    number: int
    term_number: int
    scheduled_at: datetime
    ends_at: datetime
    status: str
    revision: int
    status_changed_at: datetime


@dataclass(frozen=True, slots=True)
class PendingPromptRow:
    relationship_id: str
    prompt_id: str
    recipient_id: str
    kind: str
    issued_at: datetime
    due_at: datetime
    remind_at: datetime | None
    term_number: int
    contract_version: int | None
    meeting_number: int | None
    meeting_scheduled_at: datetime | None
    checkin_round: int | None


@dataclass(frozen=True, slots=True)
class CheckInAnswerRow:
    relationship_id: str
    term_number: int
    round_number: int
    respondent_id: str
    role: str
    mode: str
    satisfaction: int
    psychological_safety: int
    average_progress: float | None
    focus: str
    tension_flag: bool
    learning_goes_both_ways: bool
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class ClosingReflectionRow:
    relationship_id: str
    term_number: int
    respondent_id: str
    role: str
    mode: str
    goals_rated: int
    goals_achieved: int
    continue_informally: bool
    want_renewal: bool
    submitted_at: datetime


def params(row: Any) -> tuple[Any, ...]:
    """The row as positional SQL parameters ($1, $2, ... in field order)."""
    return astuple(row)
