from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.errors import INVALID_INPUT
from activities.models import RecordEventsResult
from activities.relationship_activities import RelationshipActivities
from store.database import Pool
from store.event_store import read_stream
from store.relationships import get_relationship
from tests.activities.builders import RELATIONSHIP_ID, event, record, recorded
from tests.projections.builders import NamedPair


def signed_pair() -> NamedPair:
    """A pair of `RELATIONSHIP_ID` that has signed its contract and is active."""
    pair = NamedPair(1, programme_id="test")
    assert pair.relationship_id == RELATIONSHIP_ID
    pair.sign_contract()
    return pair


async def test_recording_events_appends_them_and_projects_the_relationship(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    pair = signed_pair()
    count = len(pair.events)

    result = await activity_env.run(relationship_activities.record_events, recorded(pair.events))

    assert result.appended == count
    assert result.already_recorded == 0
    async with pg_pool.acquire() as conn:
        stored = await read_stream(conn, RELATIONSHIP_ID)
        row = await get_relationship(conn, RELATIONSHIP_ID)
    assert [e.stream_version for e in stored] == list(range(1, count + 1))
    assert row is not None
    assert (row.phase, row.last_version, row.updated_at) == (
        "active",
        count,
        pair.events[-1].occurred_at,
    )


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
    pair = signed_pair()
    count = len(pair.events)
    older, newer = recorded(pair.events[:3]), recorded(pair.events[3:], 4)
    await activity_env.run(relationship_activities.record_events, older)
    await activity_env.run(relationship_activities.record_events, newer)

    late_retry = await activity_env.run(relationship_activities.record_events, older)

    # Nothing is stored again; the stream as it stands comes back (a zombie attempt's result
    # goes nowhere, and a workflow would adopt it).
    assert late_retry.appended == 0
    assert [e.stream_version for e in late_retry.stored_instead] == list(range(1, count + 1))
    async with pg_pool.acquire() as conn:
        row = await get_relationship(conn, RELATIONSHIP_ID)
        assert len(await read_stream(conn, RELATIONSHIP_ID)) == count
    assert row is not None
    assert (row.phase, row.last_version) == ("active", count)


async def test_a_batch_that_arrives_before_an_older_one_keeps_the_newest_row(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    pair = signed_pair()
    count = len(pair.events)
    newer, older = recorded(pair.events[3:], 4), recorded(pair.events[:3])
    await activity_env.run(relationship_activities.record_events, newer)
    await activity_env.run(relationship_activities.record_events, older)

    async with pg_pool.acquire() as conn:
        row = await get_relationship(conn, RELATIONSHIP_ID)
        assert len(await read_stream(conn, RELATIONSHIP_ID)) == count
    assert row is not None
    assert (row.phase, row.last_version) == ("active", count)


async def test_events_the_projector_cannot_fold_are_stored_without_a_row(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.record_events, record(range(1, 3)))

    async with pg_pool.acquire() as conn:
        assert len(await read_stream(conn, RELATIONSHIP_ID)) == 2
        # Every row comes from the events alone, so a rebuild gives the same tables.
        assert await get_relationship(conn, RELATIONSHIP_ID) is None


async def test_a_batch_at_versions_taken_by_other_events_gets_the_stored_ones_back(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    """An earlier workflow task stored versions 1-2 and lost its completion; the task run again
    decided other events. Nothing of the new batch is stored, and the stored events come back
    for the workflow to adopt."""
    await activity_env.run(relationship_activities.record_events, record(range(1, 3)))
    rewrite = record(range(1, 2))
    rewrite.events[0] = event(1, event_type="ContractSigned")

    result = await activity_env.run(relationship_activities.record_events, rewrite)

    assert result.appended == 0
    assert [(e.stream_version, e.event_type) for e in result.stored_instead] == [
        (1, "MeetingLogged"),
        (2, "MeetingLogged"),
    ]
    async with pg_pool.acquire() as conn:
        stored = await read_stream(conn, RELATIONSHIP_ID)
    assert [(e.stream_version, e.event_type) for e in stored] == [
        (1, "MeetingLogged"),
        (2, "MeetingLogged"),
    ]


async def test_a_repeated_batch_is_no_conflict_even_when_a_later_one_followed(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
) -> None:
    await activity_env.run(relationship_activities.record_events, record(range(1, 2)))
    again = await activity_env.run(relationship_activities.record_events, record(range(1, 2)))
    assert (again.appended, again.already_recorded, again.stored_instead) == (0, 1, [])

    await activity_env.run(relationship_activities.record_events, record(range(2, 3)))
    # The first batch repeated after the second was stored: the stream has moved on past it.
    late = await activity_env.run(relationship_activities.record_events, record(range(1, 2)))
    assert [e.stream_version for e in late.stored_instead] == [1, 2]


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
