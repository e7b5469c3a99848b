"""Escalation cases projected from the relationship's events, live and by a rebuild."""

from __future__ import annotations

import dataclasses

from temporalio.testing import ActivityEnvironment

from activities.models import EventEnvelope, RecordEventsInput
from activities.relationship_activities import RelationshipActivities
from domain import OpenEscalation, ResolveEscalation
from domain.events import EscalationOverdue
from projections.rebuild import rebuild_read_models
from store.database import Pool
from store.escalations import get_escalation
from tests.domain.support import COORDINATOR, OWNER
from tests.projections.builders import NamedPair, envelopes, read_tables, record_in_batches

NOTE = "PRIVATE: the meetings keep being cancelled"


def escalated_twice(n: int) -> NamedPair:
    """A first case that climbs to the owner twice and is resolved, then a second one left open."""
    pair = NamedPair(n)
    pair.sign_contract()
    pair.send(OpenEscalation(reason="coordinator_concern", note=NOTE))
    for _ in range(2):
        case = pair.state.open_escalation
        assert case is not None
        assert case.respond_by is not None
        pair.advance_to(case.respond_by)
    pair.send(ResolveEscalation(resolution="continue", note="talked to both"))
    pair.send(OpenEscalation(reason="coordinator_concern"))
    return pair


async def test_cases_follow_their_events_and_a_rebuild_reproduces_them(pg_pool: Pool) -> None:
    pairs = [escalated_twice(1), escalated_twice(2)]
    for pair, batch_size in zip(pairs, (1, 6), strict=True):
        await record_in_batches(pg_pool, pair, batch_size)
    live = await read_tables(pg_pool)

    async with pg_pool.acquire() as conn:
        first = await get_escalation(conn, f"{pairs[0].relationship_id}:escalation:1")
        second = await get_escalation(conn, f"{pairs[0].relationship_id}:escalation:2")
        await rebuild_read_models(conn, batch_size=1)

    assert first is not None
    assert second is not None
    assert (first.status, first.level, first.assigned_to) == ("resolved", 3, OWNER)
    assert (first.resolution, first.private_note) == ("continue", NOTE)
    assert first.overdue_at is not None
    assert first.resolved_at is not None
    assert (second.status, second.level, second.assigned_to) == ("open", 1, COORDINATOR)
    assert len(live["escalations"]) == 4
    assert await read_tables(pg_pool) == live


async def test_recording_escalation_events_tells_the_coordinator_then_the_owner_once(
    pg_pool: Pool,
) -> None:
    pair = escalated_twice(1)
    overdue_at = next(i for i, e in enumerate(pair.events) if isinstance(e, EscalationOverdue))
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_id=pair.relationship_id)
    activities = RelationshipActivities(pg_pool)
    opened, climbed = _batch(pair, 0, overdue_at), _batch(pair, overdue_at, len(pair.events))

    await env.run(activities.record_events, opened)
    await env.run(activities.record_events, climbed)
    await env.run(activities.record_events, climbed)  # a retry announces nothing twice

    async with pg_pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT idempotency_key, recipient_id, template, data::text AS data FROM outbox"
            " WHERE template LIKE 'escalation_%' AND recipient_role <> 'participant'"
            " AND idempotency_key LIKE '%:escalation:%:%'"
        )
    key = f"{pair.relationship_id}:escalation"
    assert sorted((r["idempotency_key"], r["recipient_id"]) for r in rows) == [
        (f"{key}:1:opened", COORDINATOR),
        (f"{key}:1:overdue:2", OWNER),
        (f"{key}:1:overdue:3", OWNER),
        (f"{key}:2:opened", COORDINATOR),
    ]
    assert [r["template"] for r in rows].count("escalation_overdue") == 2
    assert all("PRIVATE" not in r["data"] for r in rows)


def _batch(pair: NamedPair, start: int, end: int) -> RecordEventsInput:
    return RecordEventsInput(
        stream_id=pair.relationship_id,
        events=[
            EventEnvelope(**dataclasses.asdict(e))
            for e in envelopes(pair.events[start:end], start + 1)
        ],
    )
