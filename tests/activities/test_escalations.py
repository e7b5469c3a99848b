from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.errors import UNKNOWN_ESCALATION
from activities.models import EscalationUpdate
from activities.relationship_activities import RelationshipActivities
from store.database import Pool
from store.escalations import get_escalation
from store.outbox import get_by_key
from tests.activities.builders import START, escalation_case

KEY = escalation_case().escalation_key


def overdue(level: int, assignee: str = "owner-1") -> EscalationUpdate:
    return EscalationUpdate(
        escalation_key=KEY,
        status="overdue",
        level=level,
        assigned_to=assignee,
        respond_by=START + timedelta(days=3 + level),
        occurred_at=START + timedelta(days=3),
    )


def resolved(resolution: str = "continue") -> EscalationUpdate:
    return EscalationUpdate(
        escalation_key=KEY,
        status="resolved",
        resolution=resolution,
        occurred_at=START + timedelta(days=2),
    )


async def test_opening_an_escalation_twice_records_one_case_and_one_notification(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    first = await activity_env.run(relationship_activities.open_escalation, escalation_case())
    retry = await activity_env.run(relationship_activities.open_escalation, escalation_case())

    assert first.newly_opened
    assert not retry.newly_opened
    assert retry.notification_outbox_id == first.notification_outbox_id
    async with pg_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM escalations") == 1
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 1
        case = await get_escalation(conn, KEY)
        notice = await get_by_key(conn, f"{KEY}:opened")
    assert case is not None
    assert (case.status, case.reason_codes) == ("open", ["tension_flagged", "meetings_missed"])
    assert notice is not None
    assert (notice.recipient_id, notice.recipient_role, notice.template) == (
        "coord-1",
        "coordinator",
        "escalation_opened",
    )


async def test_the_private_note_stays_in_the_case_and_out_of_the_notification(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.open_escalation, escalation_case())

    async with pg_pool.acquire() as conn:
        case = await get_escalation(conn, KEY)
        notice_data = await conn.fetchval("SELECT data::text FROM outbox")
    assert case is not None
    assert case.private_note == escalation_case().private_note
    assert "PRIVATE" not in notice_data
    assert "PRIVATE" not in repr(case)


async def test_an_overdue_escalation_moves_up_and_tells_the_owner_once(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.open_escalation, escalation_case())
    await activity_env.run(relationship_activities.update_escalation, overdue(level=2))
    await activity_env.run(relationship_activities.update_escalation, overdue(level=2))

    async with pg_pool.acquire() as conn:
        case = await get_escalation(conn, KEY)
        notice = await get_by_key(conn, f"{KEY}:overdue:2")
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 2
    assert case is not None
    assert (case.status, case.level, case.assigned_to) == ("overdue", 2, "owner-1")
    assert notice is not None
    assert (notice.recipient_id, notice.recipient_role) == ("owner-1", "owner")
    assert "PRIVATE" not in str(notice.data)


async def test_a_late_lower_level_overdue_does_not_undo_a_higher_one(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.open_escalation, escalation_case())
    await activity_env.run(relationship_activities.update_escalation, overdue(3, "director-1"))
    await activity_env.run(relationship_activities.update_escalation, overdue(2, "owner-1"))

    async with pg_pool.acquire() as conn:
        case = await get_escalation(conn, KEY)
        assert await get_by_key(conn, f"{KEY}:overdue:2") is None
    assert case is not None
    assert (case.level, case.assigned_to) == (3, "director-1")


async def test_resolving_is_idempotent_and_final(
    activity_env: ActivityEnvironment,
    relationship_activities: RelationshipActivities,
    pg_pool: Pool,
) -> None:
    await activity_env.run(relationship_activities.open_escalation, escalation_case())
    await activity_env.run(relationship_activities.update_escalation, resolved("continue"))
    await activity_env.run(relationship_activities.update_escalation, resolved("pause"))
    await activity_env.run(relationship_activities.update_escalation, overdue(level=2))

    async with pg_pool.acquire() as conn:
        case = await get_escalation(conn, KEY)
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 1
    assert case is not None
    assert (case.status, case.resolution, case.level) == ("resolved", "continue", 1)
    assert case.resolved_at == START + timedelta(days=2)


async def test_updating_an_escalation_that_was_never_opened_fails_for_good(
    activity_env: ActivityEnvironment, relationship_activities: RelationshipActivities
) -> None:
    with pytest.raises(ApplicationError) as failure:
        await activity_env.run(relationship_activities.update_escalation, resolved())

    assert failure.value.non_retryable
    assert failure.value.type == UNKNOWN_ESCALATION


async def test_resolving_without_a_resolution_is_rejected_without_retry(
    activity_env: ActivityEnvironment, relationship_activities: RelationshipActivities
) -> None:
    with pytest.raises(ApplicationError) as failure:
        await activity_env.run(relationship_activities.update_escalation, resolved(""))

    assert failure.value.non_retryable
