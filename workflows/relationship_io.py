"""What goes in and out of the relationship workflow and its handlers (one model each)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from domain.commands import (
    EndRelationship,
    ExtendTerm,
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
from domain.state import RelationshipState

CoordinatorCommand = Annotated[
    OpenEscalation
    | ResolveEscalation
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


class PromptsQuery(BaseModel):
    person_id: str | None = None
