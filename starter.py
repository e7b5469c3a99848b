"""How HR systems (and the CLI) start a relationship: idempotent by programme and pair.

The workflow id is derived from the programme and the two employee ids through a hash, so a
repeated start from an HR feed finds the same workflow, and the id itself reveals nobody.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.base import Identifier
from domain.commands import StartRelationship
from domain.policy import RelationshipPolicy
from domain.state import Mode
from workflows import search_attributes as attrs
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import RelationshipInput, RelationshipOutcome

RelationshipHandle = WorkflowHandle[RelationshipWorkflow, RelationshipOutcome]


def relationship_handle(client: Client, relationship_id: str) -> RelationshipHandle:
    """A typed handle, so updates and queries are checked against the workflow's own methods."""
    return client.get_workflow_handle_for(RelationshipWorkflow.run, relationship_id)


class PairRequest(BaseModel):
    """What an HR system knows when it asks for a pair to start."""

    programme_id: Identifier
    mentor_id: Identifier = Field(description="The junior employee who mentors (reverse mentor).")
    mentee_id: Identifier = Field(description="The senior leader who learns (reverse mentee).")
    coordinator_id: Identifier
    owner_id: Identifier
    policy: Literal["standard", "fast"] | RelationshipPolicy = "standard"
    mode: Mode = Mode.REVERSE


def relationship_id(programme_id: str, mentor_id: str, mentee_id: str) -> str:
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
    )


async def start_relationship(
    client: Client, request: PairRequest, *, task_queue: str
) -> RelationshipHandle:
    """Start the pair's workflow, or return the one already started for it."""
    start = start_command(request)
    try:
        return await client.start_workflow(
            RelationshipWorkflow.run,
            RelationshipInput(start=start),
            id=start.relationship_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A finished pair is not restarted by a replayed HR event: renewal is explicit.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=attrs.initial_search_attributes(request.programme_id),
            static_summary=f"Mentoring relationship in programme {request.programme_id}",
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle_for(RelationshipWorkflow.run, start.relationship_id)
