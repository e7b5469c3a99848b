"""The relationship workflow's side effects: record events with their projection and messages.

Each activity does one thing and is idempotent by a key taken from business data (stream
version, idempotency key, escalation key), never by run id, which changes at continue-as-new.
Each implements the stub of the same name in `activities.models`, which the workflow calls.

`open_escalation` and `update_escalation` stay registered for histories recorded before the
projector derived escalation cases from the events; newer workflows no longer call them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities import escalation_notifications as notices
from activities.activity_log import activity_logger
from activities.errors import invalid_input, unknown_escalation
from activities.models import (
    EscalationCase,
    EscalationRecorded,
    EscalationUpdate,
    EventEnvelope,
    NotificationRequest,
    RecordEventsInput,
    RecordEventsResult,
)
from activities.validation import (
    check_escalation_update,
    check_record_events,
    require_aware,
    require_text,
)
from projections.projector import Projected, project_new_events
from projections.writer import EscalationNews
from store import escalations, event_store, outbox
from store.database import Connection, Pool
from store.escalations import NewEscalation, OverdueChange
from store.event_store import NewEvent
from store.outbox import OutboxMessage
from store.personal_data import Sealer


class RelationshipActivities:
    def __init__(self, pool: Pool, sealer: Sealer | None = None) -> None:
        self._pool = pool
        # Seals personal values in the event store (crypto-shredding); None stores them plain.
        self._sealer = sealer

    @activity.defn(name="record_events")
    async def record_events(self, request: RecordEventsInput) -> RecordEventsResult:
        check_record_events(request)
        for notification in request.notifications:
            _check_notification(notification)
        if not request.events:
            return RecordEventsResult(appended=0, already_recorded=0)
        events = [NewEvent(**e.model_dump()) for e in request.events]
        try:
            return await self._append(request, events)
        except _StreamMovedOnError:
            return await self._stored_instead(request)

    async def _append(
        self, request: RecordEventsInput, events: list[NewEvent]
    ) -> RecordEventsResult:
        # Each person's key is read once for the whole transaction.
        sealer = None if self._sealer is None else self._sealer.for_one_transaction()
        async with self._pool.acquire() as conn, conn.transaction():
            if sealer is not None:
                events = await sealer.seal_events(conn, request.stream_id, events)
            appended = await event_store.append_events(conn, request.stream_id, events)
            if appended < len(events):
                # Raises inside the transaction, so nothing of this batch stays stored.
                await _refuse_other_history(conn, request.stream_id, events)
            projected = await project_new_events(conn, request.stream_id, sealer)
            messages = [OutboxMessage(**m.model_dump()) for m in request.notifications]
            messages += _escalation_notices(projected)
            if sealer is not None:
                messages = await sealer.seal_notices(conn, request.stream_id, messages)
            queued = [await outbox.enqueue(conn, message) for message in messages]
        newly_queued = sum(1 for q in queued if q.newly_queued)
        activity_logger().info(
            "events_recorded",
            appended=appended,
            already_recorded=len(events) - appended,
            last_version=events[-1].stream_version,
            read_model_updated=projected is not None,
            notifications_queued=newly_queued,
        )
        return RecordEventsResult(
            appended=appended,
            already_recorded=len(events) - appended,
            notifications_queued=newly_queued,
        )

    async def _stored_instead(self, request: RecordEventsInput) -> RecordEventsResult:
        """The events the stream holds from the batch's first version on, readable."""
        after = request.events[0].stream_version - 1
        async with self._pool.acquire() as conn:
            stored = await event_store.read_stream_after(conn, request.stream_id, after)
            envelopes = [
                EventEnvelope(
                    stream_version=event.stream_version,
                    event_type=event.event_type,
                    schema_version=event.schema_version,
                    occurred_at=event.occurred_at,
                    data=await self._readable(conn, event.data),
                )
                for event in stored
            ]
        activity_logger().warning(
            "events_stored_instead",
            first_version=after + 1,
            stored_up_to=stored[-1].stream_version,
            batch_up_to=request.events[-1].stream_version,
        )
        return RecordEventsResult(appended=0, already_recorded=0, stored_instead=envelopes)

    async def _readable(self, conn: Connection, data: dict[str, Any]) -> dict[str, Any]:
        return data if self._sealer is None else await self._sealer.unseal(conn, data)

    @activity.defn(name="open_escalation")
    async def open_escalation(self, case: EscalationCase) -> EscalationRecorded:
        require_text(case.escalation_key, "escalation_key")
        require_text(case.assigned_to, "assigned_to")
        require_aware(case.respond_by, "respond_by")
        require_aware(case.opened_at, "opened_at")
        if case.level < 0:
            raise invalid_input("level must be >= 0")
        # One transaction, so the coordinator is told about exactly the cases that exist.
        async with self._pool.acquire() as conn, conn.transaction():
            newly_opened = await escalations.open_escalation(conn, NewEscalation(**dict(case)))
            queued = await outbox.enqueue(conn, notices.escalation_opened(case))
        activity_logger().info(
            "escalation_opened",
            escalation_key=case.escalation_key,
            newly_opened=newly_opened,
            severity=case.severity,
            level=case.level,
        )
        return EscalationRecorded(
            newly_opened=newly_opened, notification_outbox_id=queued.outbox_id
        )

    @activity.defn(name="update_escalation")
    async def update_escalation(self, update: EscalationUpdate) -> None:
        check_escalation_update(update)
        async with self._pool.acquire() as conn, conn.transaction():
            if update.status == "overdue":
                changed = await _mark_overdue(conn, update)
            else:
                changed = await _resolve(conn, update)
        activity_logger().info(
            "escalation_updated",
            escalation_key=update.escalation_key,
            status=update.status,
            changed=changed,
        )


def _check_notification(request: NotificationRequest) -> None:
    require_text(request.idempotency_key, "idempotency_key")
    require_text(request.recipient_id, "recipient_id")
    require_text(request.template, "template")
    require_aware(request.not_before, "not_before")


def relationship_activities(pool: Pool, sealer: Sealer | None = None) -> list[Callable[..., Any]]:
    """Every relationship activity bound to ``pool``, ready for ``Worker(activities=...)``."""
    impl = RelationshipActivities(pool, sealer)
    return [
        impl.record_events,
        impl.open_escalation,
        impl.update_escalation,
    ]


class _StreamMovedOnError(Exception):
    """The stream holds other events at this batch's versions, or events past them."""


async def _refuse_other_history(conn: Connection, stream_id: str, events: list[NewEvent]) -> None:
    """A true retry carries identical events and finds nothing past them; anything else means
    an earlier workflow task stored its own batch and lost its completion."""
    if await event_store.conflicting_versions(conn, stream_id, events) or (
        await event_store.holds_after(conn, stream_id, events[-1].stream_version)
    ):
        raise _StreamMovedOnError


def _escalation_notices(projected: Projected | None) -> list[OutboxMessage]:
    """Tell the coordinator of each case these events opened, the owner of each that climbed.

    Built here and not in the projector: a rebuild projects the same cases and must send nothing.
    """
    news = EscalationNews() if projected is None else projected.escalations
    return [notices.escalation_opened(case) for case in news.opened] + [
        notices.escalation_overdue(case) for case in news.overdue
    ]


async def _mark_overdue(conn: Connection, update: EscalationUpdate) -> bool:
    change = OverdueChange(
        escalation_key=update.escalation_key,
        level=update.level,
        assigned_to=update.assigned_to,
        respond_by=update.respond_by,
        occurred_at=update.occurred_at,
    )
    case = await escalations.mark_overdue(conn, change)
    if case is None:
        # Resolved meanwhile or superseded by a higher level: nothing left to announce.
        await _require_existing(conn, update.escalation_key)
        return False
    await outbox.enqueue(conn, notices.escalation_overdue(case))
    return True


async def _resolve(conn: Connection, update: EscalationUpdate) -> bool:
    resolution = update.resolution or ""  # validation guarantees a non-empty resolution
    resolved = await escalations.resolve(
        conn, update.escalation_key, resolution, update.occurred_at
    )
    if not resolved:
        await _require_existing(conn, update.escalation_key)
    return resolved


async def _require_existing(conn: Connection, escalation_key: str) -> None:
    if await escalations.get_escalation(conn, escalation_key) is None:
        raise unknown_escalation(escalation_key)
