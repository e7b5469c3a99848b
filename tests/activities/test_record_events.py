from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.errors import HISTORY_CONFLICT, INVALID_INPUT
from activities.models import RecordEventsResult
from activities.relationship_activities import RelationshipActivities
from store.database import Pool
from store.event_store import read_stream
from store.relationships import get_relationship
from tests.activities.builders import RELATIONSHIP_ID, event, record, snapshot


async def test_recording_events_appends_them_and_projects_the_relationship(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    result = await activity_env.run(
        relationship_activities.record_events, record(range(1, 4), phase="active")
    )

    assert result == RecordEventsResult(appended=3, already_recorded=0)
    async with pg_pool.acquire() as conn:
        assert [e.stream_version for e in await read_stream(conn, RELATIONSHIP_ID)] == [1, 2, 3]
        row = await get_relationship(conn, RELATIONSHIP_ID)
    assert row is not None
    assert (row.phase, row.last_version, row.updated_at) == ("active", 3, event(3).occurred_at)


async def test_a_retried_batch_stores_each_event_once(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    batch = record(range(1, 3))
    await activity_env.run(relationship_activities.record_events, batch)
    retry = await activity_env.run(relationship_activities.record_events, batch)

    assert retry == RecordEventsResult(appended=0, already_recorded=2)
    async with pg_pool.acquire() as conn:
        assert len(await read_stream(conn, RELATIONSHIP_ID)) == 2


async def test_a_stale_older_batch_never_rolls_the_read_model_back(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    older = record(range(1, 3), phase="contracting", health="green")
    newer = record(range(3, 5), phase="mediation", health="red")
    await activity_env.run(relationship_activities.record_events, older)
    await activity_env.run(relationship_activities.record_events, newer)

    late_retry = await activity_env.run(relationship_activities.record_events, older)

    assert late_retry == RecordEventsResult(appended=0, already_recorded=2)
    async with pg_pool.acquire() as conn:
        row = await get_relationship(conn, RELATIONSHIP_ID)
        assert len(await read_stream(conn, RELATIONSHIP_ID)) == 4
    assert row is not None
    assert (row.phase, row.health, row.last_version) == ("mediation", "red", 4)


async def test_a_batch_that_arrives_before_an_older_one_keeps_the_newest_row(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.record_events, record(range(3, 4), phase="b"))
    await activity_env.run(relationship_activities.record_events, record(range(1, 3), phase="a"))

    async with pg_pool.acquire() as conn:
        row = await get_relationship(conn, RELATIONSHIP_ID)
        assert len(await read_stream(conn, RELATIONSHIP_ID)) == 3
    assert row is not None
    assert (row.phase, row.last_version) == ("b", 3)


async def test_a_different_event_at_a_taken_position_fails_for_good_and_changes_nothing(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.record_events, record(range(1, 2)))
    rewrite = record(range(1, 3))
    rewrite.events[0] = event(1, event_type="ContractSigned")

    with pytest.raises(ApplicationError) as failure:
        await activity_env.run(relationship_activities.record_events, rewrite)

    assert failure.value.non_retryable
    assert failure.value.type == HISTORY_CONFLICT
    async with pg_pool.acquire() as conn:
        stored = await read_stream(conn, RELATIONSHIP_ID)
    assert [(e.stream_version, e.event_type) for e in stored] == [(1, "MeetingLogged")]


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        ([0, 1], "must be >= 1"),
        ([1, 3], "consecutive"),
        ([2, 1], "consecutive"),
        ([1, 1], "consecutive"),
    ],
)
async def test_malformed_stream_versions_are_rejected_without_retry(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    versions: list[int],
    message: str,
) -> None:
    batch = record(range(0))
    batch.events = [event(v) for v in versions]

    with pytest.raises(ApplicationError, match=message) as failure:
        await activity_env.run(relationship_activities.record_events, batch)

    assert failure.value.non_retryable
    assert failure.value.type == INVALID_INPUT


async def test_a_snapshot_of_another_relationship_is_rejected_without_retry(
    activity_env: ActivityEnvironment, relationship_activities: RelationshipActivities
) -> None:
    batch = record(range(1, 2))
    batch.snapshot = snapshot().model_copy(update={"relationship_id": "rel-other"})

    with pytest.raises(ApplicationError) as failure:
        await activity_env.run(relationship_activities.record_events, batch)

    assert failure.value.non_retryable
