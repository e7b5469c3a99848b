"""The projector on real PostgreSQL, fed with events from the pure decider (no Temporal)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio.testing import ActivityEnvironment

from activities.models import EventEnvelope, RecordEventsInput, RelationshipSnapshot
from activities.relationship_activities import RelationshipActivities
from domain import CheckInAnswer, Focus, GoalProgress, Mode, PromptKind
from projections.projector import project_stream
from projections.queries import (
    meetings_of,
    own_checkin_answers,
    own_closing_reflections,
    pending_prompts_for,
)
from projections.rebuild import rebuild_read_models
from store.database import Pool
from store.event_store import append_events
from store.relationships import get_relationship
from tests.projections.builders import (
    NamedPair,
    envelopes,
    read_tables,
    record,
    record_in_batches,
)


async def test_a_rebuild_gives_exactly_the_tables_the_live_projector_wrote(pg_pool: Pool) -> None:
    completed = NamedPair(1)
    completed.run_to_completion()
    midway = NamedPair(2, mode=Mode.MUTUAL)
    midway.sign_contract(back_goals=1)
    midway.engage_until(midway.now + timedelta(minutes=9))
    proposed = NamedPair(3)
    for pair, batch_size in ((completed, 5), (midway, 1), (proposed, 2)):
        await record_in_batches(pg_pool, pair, batch_size)
    live = await read_tables(pg_pool)

    async with pg_pool.acquire() as conn:
        result = await rebuild_read_models(conn, batch_size=1)

    assert result.projected == 3
    assert await read_tables(pg_pool) == live
    assert len(live["relationships"]) == 3
    assert live["meetings"]
    assert live["pending_prompts"]
    assert live["checkin_answers"]
    assert len(live["closing_reflections"]) == 2


async def test_pending_prompts_appear_when_issued_and_go_when_answered(pg_pool: Pool) -> None:
    pair = NamedPair(1)
    mentor = pair.state.mentor_id
    await record(pg_pool, pair.relationship_id, pair.events, 1)
    async with pg_pool.acquire() as conn:
        inbox = await pending_prompts_for(conn, mentor)
    assert [(p.prompt_id, p.kind) for p in inbox] == [("consent:mentor", "consent")]

    done = len(pair.events)
    pair.accept_match()
    await record(pg_pool, pair.relationship_id, pair.events[done:], done + 1)
    async with pg_pool.acquire() as conn:
        inbox = await pending_prompts_for(conn, mentor)
    assert [(p.prompt_id, p.kind) for p in inbox] == [("onboarding:mentor", "onboarding")]


async def test_a_persons_checkin_answers_are_never_returned_to_their_partner(
    pg_pool: Pool,
) -> None:
    pair = NamedPair(1)
    pair.sign_contract()
    pair.advance_to_checkin()
    mentor, mentee = pair.state.mentor_id, pair.state.mentee_id
    for prompt in pair.state.open_prompts_of(PromptKind.CHECKIN):
        low = prompt.recipient_id == mentee
        pair.answer(prompt.prompt_id, _checkin(satisfaction=2 if low else 5))
    await record(pg_pool, pair.relationship_id, pair.events, 1)

    async with pg_pool.acquire() as conn:
        mine = await own_checkin_answers(conn, mentor, pair.relationship_id)
        theirs = await own_checkin_answers(conn, mentee)

    assert [(a.respondent_id, a.satisfaction) for a in mine] == [(mentor, 5)]
    assert [(a.respondent_id, a.satisfaction) for a in theirs] == [(mentee, 2)]


async def test_reflections_are_returned_only_to_their_author(pg_pool: Pool) -> None:
    pair = NamedPair(1)
    pair.run_to_completion(achieved=2)
    await record(pg_pool, pair.relationship_id, pair.events, 1)
    async with pg_pool.acquire() as conn:
        mine = await own_closing_reflections(conn, pair.state.mentor_id)
        stranger = await own_closing_reflections(conn, "someone-else")
    assert [(r.role, r.goals_rated, r.goals_achieved) for r in mine] == [("mentor", 2, 2)]
    assert stranger == []


async def test_a_retried_record_events_batch_leaves_the_read_tables_unchanged(
    pg_pool: Pool,
) -> None:
    pair = NamedPair(1)
    pair.sign_contract()
    pair.engage_until(pair.now + timedelta(minutes=7))
    activities = RelationshipActivities(pg_pool)
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_id=pair.relationship_id)
    first, second = _batch(pair, 0, 20), _batch(pair, 20, len(pair.events))
    await env.run(activities.record_events, first)
    await env.run(activities.record_events, second)
    before = await read_tables(pg_pool)

    await env.run(activities.record_events, second)
    await env.run(activities.record_events, first)

    assert await read_tables(pg_pool) == before
    async with pg_pool.acquire() as conn:
        row = await get_relationship(conn, pair.relationship_id)
        meetings = await meetings_of(conn, pair.relationship_id)
    assert row is not None
    assert (row.phase, row.last_version) == ("active", len(pair.events))
    assert any(m.status == "held" for m in meetings)


async def test_a_batch_stored_before_its_predecessor_waits_for_the_gap(pg_pool: Pool) -> None:
    pair = NamedPair(1)
    pair.onboard()
    stream = pair.relationship_id
    await record(pg_pool, stream, pair.events[:3], 1)
    async with pg_pool.acquire() as conn, conn.transaction():
        await append_events(conn, stream, envelopes(pair.events[5:], 6))
        assert await project_stream(conn, stream) == 3

    await record(pg_pool, stream, pair.events[3:5], 4)

    async with pg_pool.acquire() as conn:
        row = await get_relationship(conn, stream)
    assert row is not None
    assert (row.phase, row.last_version) == ("contracting", len(pair.events))


def _checkin(satisfaction: int) -> CheckInAnswer:
    return CheckInAnswer(
        satisfaction=satisfaction,
        goal_progress=(GoalProgress(goal_number=1, score=3), GoalProgress(goal_number=2, score=4)),
        psychological_safety=4,
        focus=Focus.ON_TRACK,
    )


def _batch(pair: NamedPair, start: int, end: int) -> RecordEventsInput:
    state = pair.state
    return RecordEventsInput(
        stream_id=pair.relationship_id,
        events=[
            EventEnvelope(**dataclasses.asdict(e))
            for e in envelopes(pair.events[start:end], start + 1)
        ],
        # Deliberately wrong: the row now comes from the events, not from this snapshot.
        snapshot=RelationshipSnapshot(
            relationship_id=state.relationship_id,
            programme_id=state.programme_id,
            mentor_id=state.mentor_id,
            mentee_id=state.mentee_id,
            phase="proposed",
            mode="reverse",
            health="red",
            next_due_at=None,
            escalation_open=False,
        ),
    )
