"""Relationship histories from the real domain events, serialised as the event store keeps them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.contract import ContractReason, ContractTerms, Goal, MeetingFormat
from domain.events import (
    ContractProposed,
    ContractSigned,
    MeetingRescheduled,
    MeetingScheduled,
    RelationshipPaused,
    RelationshipResumed,
    TermExtended,
)
from domain.state import Phase
from store.database import Pool
from store.event_store import NewEvent, append_events
from tests.delivery.conftest import MONDAY_10_UTC

MENTOR, MENTEE = "emp-17", "emp-4"
TERM_END = MONDAY_10_UTC + timedelta(weeks=26)
FIRST_MEETING = MONDAY_10_UTC + timedelta(days=2, hours=4)  # Wednesday 14:00 UTC


def terms(cadence: timedelta = timedelta(weeks=2)) -> ContractTerms:
    return ContractTerms(
        goals=(Goal(description="Learn the new tools", success_measure="Uses them weekly"),),
        focus_area="digital ways of working",
        cadence=cadence,
        meeting_length=timedelta(minutes=45),
        meeting_format=MeetingFormat.VIDEO,
        confidentiality_terms="What is said stays between us.",
        term_end=TERM_END,
    )


class History:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def signed(self, cadence: timedelta = timedelta(weeks=2), version: int = 1) -> History:
        at = MONDAY_10_UTC
        self.events += [
            ContractProposed(
                occurred_at=at,
                version=version,
                terms=terms(cadence),
                proposed_by=MENTOR,
                reason=ContractReason.INITIAL,
            ),
            ContractSigned(
                occurred_at=at, version=version, signed_by=(MENTOR, MENTEE), term_end=TERM_END
            ),
        ]
        return self

    def scheduled(self, number: int, start: datetime) -> History:
        self.events.append(
            MeetingScheduled(
                occurred_at=MONDAY_10_UTC,
                meeting_number=number,
                term_number=1,
                scheduled_at=start,
                ends_at=start + timedelta(minutes=45),
                reminder_at=start - timedelta(days=1),
                meeting_format=MeetingFormat.VIDEO,
            )
        )
        return self

    def rescheduled(self, number: int, previous: datetime, start: datetime) -> History:
        self.events.append(
            MeetingRescheduled(
                occurred_at=MONDAY_10_UTC,
                meeting_number=number,
                previous_scheduled_at=previous,
                scheduled_at=start,
                ends_at=start + timedelta(minutes=45),
                reminder_at=start - timedelta(days=1),
                requested_by=MENTEE,
            )
        )
        return self

    def paused(self) -> History:
        self.events.append(
            RelationshipPaused(occurred_at=MONDAY_10_UTC, reason="leave", paused_from=Phase.ACTIVE)
        )
        return self

    def resumed(self) -> History:
        self.events.append(RelationshipResumed(occurred_at=MONDAY_10_UTC, resumed_to=Phase.ACTIVE))
        return self

    def extended(self, term_end: datetime) -> History:
        self.events.append(
            TermExtended(occurred_at=MONDAY_10_UTC, previous_term_end=TERM_END, term_end=term_end)
        )
        return self

    def as_stored(self) -> list[tuple[str, dict[str, Any]]]:
        return [(e.type, e.model_dump(mode="json")) for e in self.events]

    async def record(self, pool: Pool, relationship_id: str) -> None:
        new = [
            NewEvent(
                stream_version=n,
                event_type=e.type,
                schema_version=1,
                occurred_at=e.occurred_at,
                data=e.model_dump(mode="json"),
            )
            for n, e in enumerate(self.events, 1)
        ]
        async with pool.acquire() as conn:
            await append_events(conn, relationship_id, new)
