"""What goes in and out of the programme workflow and its handlers (one model each)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from domain.base import Identifier
from domain.commands import WindDownReason
from domain.matching.model import PersonPair
from domain.programme import (
    Override,
    PairRecord,
    Programme,
    ProgrammeEvaluation,
    ProgrammePhase,
    Proposal,
)

# The signal a relationship sends its programme when it ends (see RelationshipWorkflow).
RELATIONSHIP_CLOSED = "relationship_closed"
# The signal a programme sends each running relationship when it ends.
WIND_DOWN = "wind_down"


def programme_workflow_id(programme_id: str) -> str:
    """One workflow per programme, found again by its id (which names nobody)."""
    return f"programme-{programme_id}"


class RelationshipClosed(BaseModel):
    relationship_id: str
    phase: str
    mode: str
    end_reason: str | None
    rematch_requested: bool
    meetings_held: int
    left_participant_id: str | None = None


class ProgrammeCarried(BaseModel):
    """Everything the next run needs at continue-as-new (ids and statuses only)."""

    phase: ProgrammePhase
    proposal: Proposal | None
    pairs: list[PairRecord]
    exclusions: list[PersonPair]
    proposal_versions: int
    processed_requests: list[str]
    digests_sent: int
    next_digest_at: datetime | None
    rematch_due_at: datetime | None
    # Set when the programme began to wind down (end date, closed early or cancelled).
    wind_down_started_at: datetime | None = None
    wind_down_reason: WindDownReason | None = None
    wind_down_sent: list[str] = Field(default_factory=list)


class ProgrammeInput(BaseModel):
    programme: Programme
    # True when the roster was imported before the programme started: match straight away.
    match_immediately: bool = False
    carried_over: ProgrammeCarried | None = None


class StartMatching(BaseModel):
    request_id: Identifier = Field(description="Idempotency key chosen by the caller.")


class MatchReview(BaseModel):
    review_id: Identifier = Field(description="Idempotency key chosen by the caller.")
    proposal_version: int = Field(description="The version reviewed; a stale review is refused.")
    overrides: list[Override] = Field(default_factory=list, max_length=500)
    approve: bool = True


class ReviewReceipt(BaseModel):
    phase: str
    proposal_version: int
    pairs: int
    approved: bool
    duplicate: bool = False


class ProgrammeStatus(BaseModel):
    programme_id: str
    phase: str
    proposal_version: int | None
    proposed_pairs: int
    proposal_unmatched: int
    relationships_approved: int
    relationships_started: int
    relationships_closed: int
    rematch_pending: bool
    digests_sent: int


CloseReason = Literal["programme_closed_early", "programme_cancelled"]


class CloseProgramme(BaseModel):
    """Close a programme before its end date: early (a normal ending) or cancelled."""

    reason: CloseReason = "programme_closed_early"


class ProgrammeOutcome(BaseModel):
    programme_id: str
    evaluation: ProgrammeEvaluation
