"""The relationship activities' contract with the workflow: their inputs, outputs and stubs.

Kept free of validation constraints on purpose: a payload that fails pydantic validation while
being decoded fails as a retryable "Failed decoding arguments" (retried without end under the
default policy), whereas the activities check their input themselves and reject it with a
non-retryable error that names the problem.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from temporalio import activity

from domain import Event


class EventEnvelope(BaseModel):
    stream_version: int  # 1-based position of the event in the relationship's stream
    event_type: str
    schema_version: int
    occurred_at: datetime
    data: dict[str, Any]  # the event, JSON-mode dump

    @classmethod
    def of(cls, stream_version: int, event: Event) -> EventEnvelope:
        """A domain event at its place in the stream, as the workflow hands it to the store."""
        return cls(
            stream_version=stream_version,
            event_type=event.type,
            schema_version=event.schema_version,
            occurred_at=event.occurred_at,
            data=event.model_dump(mode="json"),
        )


class RelationshipSnapshot(BaseModel):
    relationship_id: str
    programme_id: str
    mentor_id: str
    mentee_id: str
    phase: str
    mode: str
    health: str
    next_due_at: datetime | None
    escalation_open: bool


class RecordEventsInput(BaseModel):
    stream_id: str  # the relationship id (= workflow id)
    events: list[EventEnvelope]
    # Sent by workflows recorded before the projector derived every row from the events; the
    # activity ignores it. Kept so that their scheduled inputs still decode.
    snapshot: RelationshipSnapshot | None = None
    # Messages these events cause, queued in the same transaction (a transactional outbox):
    # the events and their messages exist together or not at all, in one activity.
    notifications: list[NotificationRequest] = []


class RecordEventsResult(BaseModel):
    appended: int
    already_recorded: int
    notifications_queued: int = 0
    # Set when the stream already held other events from the batch's first version on: a
    # workflow task that stored them lost its completion (a server or worker killed), so the
    # history never saw them. They are the truth (their messages may be sent); the workflow
    # adopts them and decides its commands again. Empty for every batch recorded as sent.
    stored_instead: list[EventEnvelope] = []


class NotificationRequest(BaseModel):
    idempotency_key: str
    relationship_id: str | None
    recipient_id: str
    recipient_role: Literal["participant", "coordinator", "owner"]
    template: str
    data: dict[str, str | int | bool | None]
    not_before: datetime | None = None


class EscalationCase(BaseModel):
    escalation_key: str
    relationship_id: str
    programme_id: str
    reason_codes: list[str]
    severity: Literal["low", "medium", "high"]
    level: int
    assigned_to: str
    respond_by: datetime
    opened_at: datetime
    private_note: str | None = None


class EscalationRecorded(BaseModel):
    newly_opened: bool
    notification_outbox_id: int


class EscalationUpdate(BaseModel):
    escalation_key: str
    status: Literal["overdue", "resolved"]
    level: int | None = None
    assigned_to: str | None = None
    respond_by: datetime | None = None
    resolution: str | None = None
    occurred_at: datetime


# -- activity stubs ---------------------------------------------------------------------------
# The workflow calls activities through these, so calls are type-checked (argument and result)
# without importing the implementations, whose database and logging imports must stay out of
# the workflow sandbox. `activities.relationship_activities` implements each one under the same
# name; a test keeps names and signatures equal.


@activity.defn(name="record_events")
async def record_events(request: RecordEventsInput) -> RecordEventsResult:
    """Append a batch of events, project them and queue their messages, in one transaction."""
    raise NotImplementedError("a stub: the worker runs RelationshipActivities.record_events")


@activity.defn(name="open_escalation")
async def open_escalation(case: EscalationCase) -> EscalationRecorded:
    """Only histories recorded before escalations were projected from events call this."""
    raise NotImplementedError("a stub: the worker runs RelationshipActivities.open_escalation")


@activity.defn(name="update_escalation")
async def update_escalation(update: EscalationUpdate) -> None:
    """Only histories recorded before escalations were projected from events call this."""
    raise NotImplementedError("a stub: the worker runs RelationshipActivities.update_escalation")
