"""Small, valid activity inputs that each test varies only where it matters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from activities.models import EscalationCase, EventEnvelope, RecordEventsInput
from domain import Event

RELATIONSHIP_ID = "rel-test-1"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def event(version: int, event_type: str = "MeetingLogged", **data: Any) -> EventEnvelope:
    return EventEnvelope(
        stream_version=version,
        event_type=event_type,
        schema_version=1,
        occurred_at=START + timedelta(days=version),
        data={"version": version, **data},
    )


def record(versions: range) -> RecordEventsInput:
    """Placeholder events: stored as given, but the projector cannot fold them into a row."""
    return RecordEventsInput(stream_id=RELATIONSHIP_ID, events=[event(v) for v in versions])


def recorded(events: list[Event], first_version: int = 1) -> RecordEventsInput:
    """Real domain events (of `RELATIONSHIP_ID`), as the workflow hands them over."""
    return RecordEventsInput(
        stream_id=RELATIONSHIP_ID,
        events=[EventEnvelope.of(first_version + i, e) for i, e in enumerate(events)],
    )


def escalation_case(**changes: Any) -> EscalationCase:
    fields: dict[str, Any] = {
        "escalation_key": f"{RELATIONSHIP_ID}:escalation:1",
        "relationship_id": RELATIONSHIP_ID,
        "programme_id": "prog-1",
        "reason_codes": ["tension_flagged", "meetings_missed"],
        "severity": "high",
        "level": 1,
        "assigned_to": "coord-1",
        "respond_by": START + timedelta(days=3),
        "opened_at": START,
        "private_note": "PRIVATE: he talks over me in every meeting",
    }
    fields.update(changes)
    return EscalationCase(**fields)
