"""A mentoring programme: its definition, the coordinator's overrides, and its evaluation.

Pure like the rest of `domain/`: the programme workflow feeds proposals and reviews through these
functions and only orchestrates. Nothing here imports numpy or scipy (the workflow imports it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from domain.base import DomainModel, Identifier, RequiredText
from domain.matching.model import (
    MatchingConstraints,
    MatchingWeights,
    MatchPair,
    PersonPair,
    ProgrammeFormat,
)
from domain.policy import RelationshipPolicy


class ProgrammeTerm(DomainModel):
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_on <= self.starts_on:
            raise ValueError("the term must end after it starts")
        return self


class Programme(DomainModel):
    programme_id: Identifier
    name: RequiredText
    objectives: tuple[RequiredText, ...] = Field(min_length=1, max_length=10)
    focus_areas: tuple[RequiredText, ...] = Field(default=(), max_length=20)
    format: ProgrammeFormat = ProgrammeFormat.REVERSE
    term: ProgrammeTerm
    relationship_policy: RelationshipPolicy = Field(default_factory=RelationshipPolicy.standard)
    coordinator_ids: tuple[Identifier, ...] = Field(min_length=1, max_length=20)
    owner_id: Identifier
    weights: MatchingWeights = MatchingWeights()
    constraints: MatchingConstraints = MatchingConstraints()
    approval_required: bool = True
    digest_interval: timedelta = Field(default=timedelta(days=7), gt=timedelta(0))
    # Declines arrive in bursts in the first week; waiting a little rematches them together.
    rematch_delay: timedelta = Field(default=timedelta(hours=1), ge=timedelta(0))
    start_batch_size: int = Field(default=100, ge=1, le=500)
    # After the programme ends its pairs close through their own closing; one that is stuck
    # never holds the close-out longer than this.
    close_out_grace: timedelta = Field(default=timedelta(days=30), gt=timedelta(0))

    @property
    def ends_at(self) -> datetime:
        """The end of the term's last day (UTC): the moment the programme winds down."""
        return datetime.combine(self.term.ends_on + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def coordinator_id(self) -> str:
        """The coordinator each relationship escalates to first."""
        return self.coordinator_ids[0]


class ProgrammePhase(StrEnum):
    ENROLLING = "enrolling"
    MATCHING = "matching"
    AWAITING_APPROVAL = "awaiting_approval"
    STARTING = "starting"
    RUNNING = "running"
    WINDING_DOWN = "winding_down"
    CLOSED = "closed"


class ScoredPair(DomainModel):
    mentor_id: Identifier
    mentee_id: Identifier
    score: float


class Proposal(DomainModel):
    version: int = Field(ge=1)
    pairs: tuple[ScoredPair, ...]
    unmatched: int = Field(ge=0, description="People left without a pair (reasons in the store).")
    total_score: float


# -- overrides ----------------------------------------------------------------------------------


class SwapMentees(DomainModel):
    """The two mentees exchange mentors."""

    type: Literal["swap"] = "swap"
    first_mentee_id: Identifier
    second_mentee_id: Identifier


class ExcludePair(DomainModel):
    """Drop the pair, and never propose it again in this programme."""

    type: Literal["exclude"] = "exclude"
    mentor_id: Identifier
    mentee_id: Identifier


class ForcePair(DomainModel):
    """Add a pair the matcher did not propose (hard constraints and capacity still apply)."""

    type: Literal["force"] = "force"
    mentor_id: Identifier
    mentee_id: Identifier


Override = Annotated[SwapMentees | ExcludePair | ForcePair, Field(discriminator="type")]


class ProgrammeRuleError(ValueError):
    """A review or override that cannot apply to the current proposal."""


class Revision(DomainModel):
    pairs: tuple[MatchPair, ...]
    new_exclusions: tuple[PersonPair, ...]
    changed: bool


def apply_overrides(proposal: Proposal, overrides: Sequence[Override]) -> Revision:
    """The proposal's pairs after the overrides, in order; raises ProgrammeRuleError."""
    pairs = [MatchPair(mentor_id=p.mentor_id, mentee_id=p.mentee_id) for p in proposal.pairs]
    exclusions: list[PersonPair] = []
    for override in overrides:
        if isinstance(override, SwapMentees):
            pairs = _swap(pairs, override)
        elif isinstance(override, ExcludePair):
            pair = MatchPair(mentor_id=override.mentor_id, mentee_id=override.mentee_id)
            if pair not in pairs:
                raise ProgrammeRuleError(f"{_label(pair)} is not in the proposal")
            pairs.remove(pair)
            exclusions.append(PersonPair(first_id=pair.mentor_id, second_id=pair.mentee_id))
        else:
            pair = MatchPair(mentor_id=override.mentor_id, mentee_id=override.mentee_id)
            if pair.mentor_id == pair.mentee_id:
                raise ProgrammeRuleError("a person cannot be paired with themselves")
            if pair in pairs:
                raise ProgrammeRuleError(f"{_label(pair)} is already proposed")
            pairs.append(pair)
    return Revision(
        pairs=tuple(pairs),
        new_exclusions=tuple(exclusions),
        changed=bool(overrides),
    )


def _swap(pairs: list[MatchPair], swap: SwapMentees) -> list[MatchPair]:
    first = [i for i, p in enumerate(pairs) if p.mentee_id == swap.first_mentee_id]
    second = [i for i, p in enumerate(pairs) if p.mentee_id == swap.second_mentee_id]
    if len(first) != 1 or len(second) != 1:
        raise ProgrammeRuleError("a swap needs two mentees who each have exactly one proposed pair")
    i, j = first[0], second[0]
    swapped = list(pairs)
    swapped[i] = MatchPair(mentor_id=pairs[i].mentor_id, mentee_id=pairs[j].mentee_id)
    swapped[j] = MatchPair(mentor_id=pairs[j].mentor_id, mentee_id=pairs[i].mentee_id)
    if len(set(swapped)) != len(swapped):
        raise ProgrammeRuleError("the swap would pair the same two people twice")
    return swapped


def _label(pair: MatchPair) -> str:
    return f"pair {pair.mentor_id} -> {pair.mentee_id}"


# -- the programme's relationships --------------------------------------------------------------


class PairStatus(StrEnum):
    APPROVED = "approved"  # to be started
    STARTED = "started"
    CLOSED = "closed"


class PairRecord(DomainModel):
    relationship_id: str
    mentor_id: Identifier
    mentee_id: Identifier
    status: PairStatus = PairStatus.APPROVED
    phase: str | None = None
    mode: str | None = None
    end_reason: str | None = None
    rematch_requested: bool = False
    meetings_held: int = 0
    # Set when one person left the organisation: their partner alone goes back to the pool.
    left_participant_id: str | None = None

    @property
    def releases_people(self) -> bool:
        """A declined or failed pair gives its people back to the pool for a rematch."""
        return self.status is PairStatus.CLOSED and self.rematch_requested

    @property
    def released_people(self) -> int:
        if not self.releases_people:
            return 0
        return 1 if self.left_participant_id else 2


def occupying(records: Iterable[PairRecord]) -> tuple[MatchPair, ...]:
    """Pairs that use their people's places: everything not released for a rematch.

    Someone who left the organisation is released by nobody: a pair of that person with
    themselves takes their place on both sides, so only their partner is matched again.
    """
    taken = []
    for r in records:
        if not r.releases_people:
            taken.append(MatchPair(mentor_id=r.mentor_id, mentee_id=r.mentee_id))
        elif r.left_participant_id is not None:
            leaver = r.left_participant_id
            taken.append(MatchPair(mentor_id=leaver, mentee_id=leaver))
    return tuple(taken)


def released_exclusions(records: Iterable[PairRecord]) -> tuple[PersonPair, ...]:
    """A pair that declined or failed is not proposed again."""
    return tuple(
        PersonPair(first_id=r.mentor_id, second_id=r.mentee_id)
        for r in records
        if r.releases_people
    )


class ProgrammeEvaluation(DomainModel):
    relationships: int
    completed: int
    declined: int
    ended_early: int
    became_mutual: int
    rematched_people: int
    completion_rate: float = Field(ge=0, le=1)
    average_meetings: float
    end_reasons: dict[str, int]


def evaluate(records: Sequence[PairRecord]) -> ProgrammeEvaluation:
    """The close-out figures the owner reads to adjust the next programme."""
    phases = Counter(r.phase for r in records)
    started = [r for r in records if r.phase != "declined"]
    return ProgrammeEvaluation(
        relationships=len(records),
        completed=phases.get("completed", 0),
        declined=phases.get("declined", 0),
        ended_early=phases.get("ended_early", 0),
        became_mutual=sum(1 for r in records if r.mode == "mutual"),
        rematched_people=sum(r.released_people for r in records),
        completion_rate=phases.get("completed", 0) / len(started) if started else 0.0,
        average_meetings=(sum(r.meetings_held for r in started) / len(started)) if started else 0.0,
        end_reasons=dict(Counter(r.end_reason for r in records if r.end_reason)),
    )
