"""A relationship's state for the people who read it: from its workflow while it runs, from its
recorded events once it has closed.

A query of a closed workflow makes a worker replay the whole history first (seconds for a
relationship-year), and meanwhile that worker serves no running relationship: when a programme
ends and everyone opens their certificate, the worker would replay every pair at once. A closed
relationship recorded every event before it closed, and the projector folded them into the
stored state in the same transaction, so that state is the one the query would return, read in
one PostgreSQL query (the words of an erased person read as erased).

The stored state carries the projector's stand-in policy (a policy is not in the events): a
policy only decides what comes next, and nothing comes next for a closed relationship.
"""

from __future__ import annotations

from temporalio.client import Client, WorkflowQueryRejectedError
from temporalio.common import QueryRejectCondition

from domain.state import RelationshipState
from projections.projector import load_projected
from services.pairs import RelationshipHandle, relationship_handle
from store.database import Pool
from store.personal_data import Sealer
from workflows.relationship import RelationshipWorkflow


async def relationship_state(
    client: Client, pool: Pool, sealer: Sealer | None, relationship_id: str
) -> tuple[RelationshipHandle, RelationshipState]:
    """The relationship's handle and current state. Raises what a query raises for an unknown
    id (`RPCError` NOT_FOUND) or a worker that cannot answer (`WorkflowQueryFailedError`)."""
    handle = relationship_handle(client, relationship_id)
    try:
        state = await handle.query(
            RelationshipWorkflow.state, reject_condition=QueryRejectCondition.NOT_OPEN
        )
    except WorkflowQueryRejectedError:
        recorded = await _recorded_state(pool, sealer, relationship_id)
        if recorded is None:
            # Closed before it recorded anything (terminated at its start): ask its history.
            recorded = await handle.query(RelationshipWorkflow.state)
        state = recorded
    return handle, state


async def _recorded_state(
    pool: Pool, sealer: Sealer | None, relationship_id: str
) -> RelationshipState | None:
    async with pool.acquire() as conn:
        stored = await load_projected(conn, relationship_id, sealer)
    return None if stored is None else stored.relationship
