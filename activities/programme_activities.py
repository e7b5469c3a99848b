"""The programme workflow's side effects: matching (CPU, numpy/scipy), digests, close-out.

Matching runs here and never in the workflow: it imports compiled packages the sandbox cannot
load, and a 5,000 x 5,000 assignment takes seconds, far longer than a workflow task may take.
Each activity is idempotent by (programme, version) or (programme, digest number), and
implements the stub of the same name in `activities.programme_models`, which the workflow calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.activity_log import activity_logger
from activities.programme_models import (
    CloseOutInput,
    DigestInput,
    DigestSent,
    MatchingSetup,
    PairAvailability,
    PairPeople,
    ProposeMatchesInput,
    ReviseProposalInput,
    RevisionChecked,
)
from domain.matching.assignment import match
from domain.matching.model import MatchingProblem
from domain.matching.review import review_problems, reviewed_result
from domain.programme import Proposal
from roster.importer import load_candidates, load_reporting_lines, load_sql
from roster.proposals import load_proposal, record_proposal
from store import outbox
from store.database import Pool
from store.outbox import OutboxMessage
from store.people import availability_by_id


class ProgrammeActivities:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def _problem(self, setup: MatchingSetup) -> MatchingProblem:
        async with self._pool.acquire() as conn:
            candidates = await load_candidates(conn, setup.programme_id)
            lines = await load_reporting_lines(conn)
        return MatchingProblem(
            format=setup.format,
            candidates=tuple(candidates),
            weights=setup.weights,
            constraints=setup.constraints,
            reporting_lines=lines,
            exclusions=tuple(setup.exclusions),
            occupied=tuple(setup.occupied),
        )

    @activity.defn(name="propose_matches")
    async def propose_matches(self, request: ProposeMatchesInput) -> Proposal:
        programme_id = request.setup.programme_id
        async with self._pool.acquire() as conn:
            existing = await load_proposal(conn, programme_id, request.version)
        if existing is not None:
            return existing  # a retry after the proposal was stored
        problem = await self._problem(request.setup)
        # CPU-bound for seconds: off the event loop, so heartbeats and other activities go on.
        result = await asyncio.to_thread(match, problem)
        async with self._pool.acquire() as conn:
            proposal = await record_proposal(conn, programme_id, request.version, result)
        activity_logger().info(
            "matches_proposed",
            programme_id=programme_id,
            version=request.version,
            candidates=len(problem.candidates),
            pairs=len(result.pairs),
            unmatched=len(result.unmatched),
            method=result.method,
        )
        return proposal

    @activity.defn(name="revise_proposal")
    async def revise_proposal(self, request: ReviseProposalInput) -> RevisionChecked:
        problem = await self._problem(request.setup)
        problems = review_problems(problem, request.pairs)
        if problems:
            return RevisionChecked(problems=problems, proposal=None)
        result = reviewed_result(problem, request.pairs)
        async with self._pool.acquire() as conn:
            proposal = await record_proposal(
                conn, request.setup.programme_id, request.version, result
            )
        return RevisionChecked(problems=[], proposal=proposal)

    @activity.defn(name="send_programme_digest")
    async def send_programme_digest(self, request: DigestInput) -> DigestSent:
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(load_sql("programme_risk"), request.programme_id)
            assert row is not None  # an aggregate always returns one row
            data: dict[str, Any] = {
                "programme_id": request.programme_id,
                "open_relationships": request.open_relationships,
                "unstarted_pairs": request.unstarted_pairs,
                "at_risk": row["at_risk"],
                "overdue_escalations": row["overdue_escalations"],
            }
            queued = 0
            for coordinator in request.coordinator_ids:
                message = OutboxMessage(
                    idempotency_key=f"{request.programme_id}:digest:{request.sequence}:{coordinator}",
                    relationship_id=None,
                    recipient_id=coordinator,
                    recipient_role="coordinator",
                    template="programme_digest",
                    data=data,
                )
                queued += (await outbox.enqueue(conn, message)).newly_queued
        return DigestSent(
            at_risk=row["at_risk"], overdue_escalations=row["overdue_escalations"], queued=queued
        )

    @activity.defn(name="close_out_programme")
    async def close_out_programme(self, request: CloseOutInput) -> None:
        evaluation = request.evaluation.model_dump(mode="json")
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                load_sql("insert_evaluation"),
                request.programme_id,
                evaluation,
                request.evaluated_at,
            )
            recipients = [("owner", request.owner_id)] + [
                ("coordinator", c) for c in request.coordinator_ids
            ]
            for role, person in recipients:
                await outbox.enqueue(
                    conn,
                    OutboxMessage(
                        idempotency_key=f"{request.programme_id}:evaluation:{person}",
                        relationship_id=None,
                        recipient_id=person,
                        recipient_role=role,
                        template="programme_evaluation",
                        data={"programme_id": request.programme_id, **_flat(evaluation)},
                    ),
                )

    @activity.defn(name="look_up_availability")
    async def look_up_availability(self, request: PairPeople) -> PairAvailability:
        # A read only: retried or repeated, it changes nothing.
        async with self._pool.acquire() as conn:
            return PairAvailability(
                mentor=await availability_by_id(conn, request.mentor_id),
                mentee=await availability_by_id(conn, request.mentee_id),
            )


def _flat(evaluation: dict[str, Any]) -> dict[str, Any]:
    # Outbox data holds scalars only; the per-reason counts are in the stored evaluation.
    return {k: v for k, v in evaluation.items() if not isinstance(v, dict)}


def programme_activities(pool: Pool) -> list[Callable[..., Any]]:
    """Every programme activity bound to ``pool``, ready for ``Worker(activities=...)``."""
    impl = ProgrammeActivities(pool)
    return [
        impl.propose_matches,
        impl.revise_proposal,
        impl.send_programme_digest,
        impl.close_out_programme,
        impl.look_up_availability,
    ]
