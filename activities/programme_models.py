"""The programme activities' contract with the programme workflow: inputs, outputs and stubs.

Pure pydantic (no numpy/scipy): the workflow imports this module inside Temporal's sandbox.
Ids and scores only; explanations and the roster stay in PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import activity

from domain.matching.model import (
    MatchingConstraints,
    MatchingWeights,
    MatchPair,
    PersonPair,
    ProgrammeFormat,
)
from domain.programme import ProgrammeEvaluation, Proposal
from domain.slots import Availability


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


class PairPeople(BaseModel):
    mentor_id: str
    mentee_id: str


class PairAvailability(BaseModel):
    """Both people's zones and working hours; None for someone the directory cannot place."""

    mentor: Availability | None = None
    mentee: Availability | None = None


# -- activity stubs ---------------------------------------------------------------------------
# Typed call targets for the workflow; `activities.programme_activities` implements each one
# under the same name (matching needs numpy/scipy, which cannot load in the sandbox). A test
# keeps names and signatures equal.


@activity.defn(name="propose_matches")
async def propose_matches(request: ProposeMatchesInput) -> Proposal:
    """Match the enrolled people and store the proposal under its version."""
    raise NotImplementedError("a stub: the worker runs ProgrammeActivities.propose_matches")


@activity.defn(name="revise_proposal")
async def revise_proposal(request: ReviseProposalInput) -> RevisionChecked:
    """Check a coordinator's edited proposal and store it when every pair is acceptable."""
    raise NotImplementedError("a stub: the worker runs ProgrammeActivities.revise_proposal")


@activity.defn(name="send_programme_digest")
async def send_programme_digest(request: DigestInput) -> DigestSent:
    """Queue the periodic digest for every coordinator of the programme."""
    raise NotImplementedError("a stub: the worker runs ProgrammeActivities.send_programme_digest")


@activity.defn(name="close_out_programme")
async def close_out_programme(request: CloseOutInput) -> None:
    """Store the evaluation and queue it for the owner and the coordinators."""
    raise NotImplementedError("a stub: the worker runs ProgrammeActivities.close_out_programme")


@activity.defn(name="look_up_availability")
async def look_up_availability(request: PairPeople) -> PairAvailability:
    """Read both people's time zones and working hours from the people directory."""
    raise NotImplementedError("a stub: the worker runs ProgrammeActivities.look_up_availability")
