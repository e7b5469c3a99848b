from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.models import NotificationRequest
from activities.relationship_activities import RelationshipActivities
from store.database import Pool
from tests.activities.builders import RELATIONSHIP_ID, START


def reminder(key: str = f"{RELATIONSHIP_ID}:meeting:7:reminder") -> NotificationRequest:
    return NotificationRequest(
        idempotency_key=key,
        relationship_id=RELATIONSHIP_ID,
        recipient_id="emp-17",
        recipient_role="participant",
        template="meeting_reminder",
        data={"meeting_number": 7, "online": True, "location": None},
        not_before=START + timedelta(days=6),
    )


async def test_a_retried_notification_is_queued_once_with_the_same_id(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    first = await activity_env.run(relationship_activities.enqueue_notification, reminder())
    retry = await activity_env.run(relationship_activities.enqueue_notification, reminder())

    assert first.newly_queued
    assert not retry.newly_queued
    assert retry.outbox_id == first.outbox_id
    async with pg_pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, data, not_before FROM outbox")
    assert [r["id"] for r in rows] == [first.outbox_id]
    assert rows[0]["data"] == {"meeting_number": 7, "online": True, "location": None}
    assert rows[0]["not_before"] == START + timedelta(days=6)


async def test_different_keys_queue_different_messages(
    activity_env: ActivityEnvironment, relationship_activities: RelationshipActivities
) -> None:
    first = await activity_env.run(relationship_activities.enqueue_notification, reminder("k:1"))
    second = await activity_env.run(relationship_activities.enqueue_notification, reminder("k:2"))

    assert first.outbox_id != second.outbox_id


async def test_a_notification_without_a_key_is_rejected_without_retry(
    activity_env: ActivityEnvironment, relationship_activities: RelationshipActivities
) -> None:
    with pytest.raises(ApplicationError) as failure:
        await activity_env.run(relationship_activities.enqueue_notification, reminder(" "))

    assert failure.value.non_retryable
