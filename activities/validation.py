"""Input checks the models cannot express; each raises a non-retryable ApplicationError."""

from __future__ import annotations

from datetime import datetime

from activities.errors import invalid_input
from activities.models import EscalationUpdate, EventEnvelope, RecordEventsInput


def require_aware(value: datetime | None, field: str) -> None:
    # A naive timestamp would be read in the database's time zone: silently wrong deadlines.
    if value is not None and value.utcoffset() is None:
        raise invalid_input(f"{field} must carry a time zone")


def require_text(value: str, field: str) -> None:
    if not value.strip():
        raise invalid_input(f"{field} must not be empty")


def check_record_events(request: RecordEventsInput) -> None:
    require_text(request.stream_id, "stream_id")
    _check_versions(request.events)
    for event in request.events:
        require_text(event.event_type, "event_type")
        if event.schema_version < 1:
            raise invalid_input(f"schema_version must be >= 1 (event {event.stream_version})")
        require_aware(event.occurred_at, "occurred_at")


def _check_versions(events: list[EventEnvelope]) -> None:
    versions = [e.stream_version for e in events]
    if any(v < 1 for v in versions):
        raise invalid_input("stream_version is 1-based and must be >= 1")
    # The workflow hands over the events of its history in order; a gap would mean one was lost.
    if versions and versions != list(range(versions[0], versions[0] + len(versions))):
        raise invalid_input("stream versions in a batch must be consecutive and ascending")


def check_escalation_update(update: EscalationUpdate) -> None:
    require_text(update.escalation_key, "escalation_key")
    require_aware(update.occurred_at, "occurred_at")
    require_aware(update.respond_by, "respond_by")
    if update.level is not None and update.level < 0:
        raise invalid_input("level must be >= 0")
    if update.status == "resolved" and not (update.resolution and update.resolution.strip()):
        raise invalid_input("a resolved escalation needs a resolution")
