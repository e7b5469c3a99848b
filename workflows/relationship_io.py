"""What goes in and out of the relationship workflow and its handlers (one model each)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.base import Identifier
from domain.commands import (
    EndRelationship,
    ExtendTerm,
    InvolvePartners,
    OpenEscalation,
    PauseRelationship,
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
    ResolveEscalation,
    ResumeRelationship,
    StartRelationship,
)
from domain.policy import RelationshipPolicy
from domain.slots import Availability
from domain.state import Mode, RelationshipState

CoordinatorCommand = Annotated[
    OpenEscalation
    | ResolveEscalation
    | InvolvePartners
    | PauseRelationship
    | ResumeRelationship
    | EndRelationship
    | ExtendTerm,
    Field(discriminator="type"),
]
HrEvent = Annotated[
    RecordParticipantLeft | RecordManagerChange | RecordLeaveStarted | RecordLeaveEnded,
    Field(discriminator="type"),
]


class CarriedOver(BaseModel):
    """The state handed to the next run at continue-as-new."""

    state: RelationshipState
    stream_version: int


class RelationshipInput(BaseModel):
    start: StartRelationship
    carried_over: CarriedOver | None = None


class RelationshipOutcome(BaseModel):
    relationship_id: str
    phase: str
    mode: str
    end_reason: str | None
    rematch_requested: bool
    meetings_held: int
    events_recorded: int
    # Who left the organisation, if that ended it: only the partner is rematched.
    left_participant_id: str | None = None


class AnswerReceipt(BaseModel):
    prompt_id: str
    duplicate: bool = Field(description="True when this answer id was already applied.")
    phase: str


class CommandReceipt(BaseModel):
    phase: str
    escalation_open: bool


class ParticipantReceipt(BaseModel):
    """What the person who acted may be told: the phase as the two of them see it."""

    action: str
    phase: str


class PromptsQuery(BaseModel):
    person_id: str | None = None


# -- starting a relationship: pure builders shared by the pairs service and the programme workflow


class PairRequest(BaseModel):
    """What an HR system knows when it asks for a pair to start."""

    programme_id: Identifier
    mentor_id: Identifier = Field(description="The junior employee who mentors (reverse mentor).")
    mentee_id: Identifier = Field(description="The senior leader who learns (reverse mentee).")
    coordinator_id: Identifier
    owner_id: Identifier
    policy: Literal["standard", "fast"] | RelationshipPolicy = "standard"
    mode: Mode = Mode.REVERSE
    # Looked up in the people directory by whoever starts the pair (never sent by HR).
    mentor_availability: Availability | None = None
    mentee_availability: Availability | None = None


def relationship_id(programme_id: str, mentor_id: str, mentee_id: str) -> str:
    """Derived from the programme and the pair through a hash: a repeated start from an HR feed
    finds the same workflow, and the id itself reveals nobody."""
    digest = hashlib.sha256(f"{programme_id}\x1f{mentor_id}\x1f{mentee_id}".encode()).hexdigest()
    return f"rel-{programme_id}-{digest[:20]}"


def resolve_policy(policy: Literal["standard", "fast"] | RelationshipPolicy) -> RelationshipPolicy:
    if isinstance(policy, RelationshipPolicy):
        return policy
    return RelationshipPolicy.fast() if policy == "fast" else RelationshipPolicy.standard()


def start_command(request: PairRequest) -> StartRelationship:
    return StartRelationship(
        relationship_id=relationship_id(request.programme_id, request.mentor_id, request.mentee_id),
        programme_id=request.programme_id,
        mentor_id=request.mentor_id,
        mentee_id=request.mentee_id,
        coordinator_id=request.coordinator_id,
        owner_id=request.owner_id,
        policy=resolve_policy(request.policy),
        mode=request.mode,
        mentor_availability=request.mentor_availability,
        mentee_availability=request.mentee_availability,
    )
