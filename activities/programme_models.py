"""Inputs and outputs of the programme activities: the contract with the programme workflow.

Pure pydantic (no numpy/scipy): the workflow imports this module inside Temporal's sandbox.
Ids and scores only; explanations and the roster stay in PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.matching.model import (
    MatchingConstraints,
    MatchingWeights,
    MatchPair,
    PersonPair,
    ProgrammeFormat,
)
from domain.programme import ProgrammeEvaluation, Proposal


class MatchingSetup(BaseModel):
    programme_id: str
    format: ProgrammeFormat
    weights: MatchingWeights
    constraints: MatchingConstraints
    # Pairs that already use their people's places, and pairs never to propose.
    occupied: list[MatchPair]
    exclusions: list[PersonPair]


class ProposeMatchesInput(BaseModel):
    setup: MatchingSetup
    version: int  # the proposal's number; a retried activity finds its earlier result


class ReviseProposalInput(BaseModel):
    setup: MatchingSetup
    version: int
    pairs: list[MatchPair]  # the whole proposal after the coordinator's overrides


class RevisionChecked(BaseModel):
    problems: list[str]  # empty when every pair is acceptable
    proposal: Proposal | None


class DigestInput(BaseModel):
    programme_id: str
    coordinator_ids: list[str]
    sequence: int  # the n-th digest of this programme: part of the idempotency key
    open_relationships: int
    unstarted_pairs: int


class DigestSent(BaseModel):
    at_risk: int
    overdue_escalations: int
    queued: int


class CloseOutInput(BaseModel):
    programme_id: str
    owner_id: str
    coordinator_ids: list[str]
    evaluation: ProgrammeEvaluation
    evaluated_at: datetime
