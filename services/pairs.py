"""Starting a relationship and finding one: what HR systems (REST API), the CLI, the demo and the
simulation all do, idempotent by programme and pair.

The workflow id is derived from the programme and the two employee ids through a hash (see
``workflows.relationship_io.relationship_id``), so a repeated start from an HR feed finds the same
workflow, and the id itself reveals nobody.
"""

from __future__ import annotations

import re

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from services.errors import InvalidRequestError
from store.database import Pool
from store.people import availability_by_id
from workflows import search_attributes as attrs
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import (
    PairRequest,
    RelationshipInput,
    RelationshipOutcome,
    relationship_id,
    start_command,
)

RelationshipHandle = WorkflowHandle[RelationshipWorkflow, RelationshipOutcome]

__all__ = [
    "PairRequest",
    "RelationshipHandle",
    "checked_relationship_id",
    "relationship_handle",
    "relationship_id",
    "start_relationship",
]


# Every relationship id this service builds (`relationship_id`: `rel-<programme>-<hash>`) matches;
# what does not can name no relationship. The server would answer an empty or malformed id with
# an error nobody can act on ("WorkflowId is not set on request").
_RELATIONSHIP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$")


def checked_relationship_id(given: str) -> str:
    """`given` when it can be a relationship's id; an InvalidRequestError says so otherwise."""
    if not _RELATIONSHIP_ID.match(given):
        raise InvalidRequestError([("relationship", "not a relationship id")])
    return given


def relationship_handle(client: Client, relationship_id: str) -> RelationshipHandle:
    """A typed handle, so updates and queries are checked against the workflow's own methods."""
    return client.get_workflow_handle_for(
        RelationshipWorkflow.run, checked_relationship_id(relationship_id)
    )


async def with_availability(pool: Pool, request: PairRequest) -> PairRequest:
    """The request with both people's zones and working hours from the people directory.

    The relationship offers meeting slots inside both people's hours; someone not (yet) in the
    directory is left out, and any slot is accepted for them.
    """
    async with pool.acquire() as conn:
        mentor = request.mentor_availability or await availability_by_id(conn, request.mentor_id)
        mentee = request.mentee_availability or await availability_by_id(conn, request.mentee_id)
    return request.model_copy(update={"mentor_availability": mentor, "mentee_availability": mentee})


async def start_relationship(
    client: Client, request: PairRequest, *, task_queue: str, people: Pool | None = None
) -> RelationshipHandle:
    """Start the pair's workflow, or return the one already started for it.

    With ``people`` (the PostgreSQL pool) both people's working hours are looked up first.
    """
    if people is not None:
        request = await with_availability(people, request)
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
