"""Which notifications carry the meeting-series invite, and building it from the event store."""

from __future__ import annotations

from datetime import datetime

from delivery.calendar import Invite, build_invite
from delivery.series import fold_series
from projections.meeting_series import SERIES_EVENT_TYPES
from store.database import Connection
from store.outbox_claims import ClaimedRow, series_events

# The notifications that change (or first announce) what the pair's calendar should show. The
# method follows the series itself: REQUEST while it runs, CANCEL once paused or closed.
INVITE_TEMPLATES = frozenset(
    {
        "meeting_reminder",
        "contract_signed",
        "mode_mutual",
        "term_extended",
        "relationship_resumed",
        "relationship_paused",
        "relationship_completed",
        "relationship_ended",
    }
)


async def invite_for(
    conn: Connection, row: ClaimedRow, *, organizer: str, attendee: str, now: datetime
) -> Invite | None:
    if (
        row.recipient_role != "participant"
        or row.relationship_id is None
        or row.template not in INVITE_TEMPLATES
    ):
        return None
    # The series as it stood when the message was queued: a late message must not announce a
    # newer state than its own (and its SEQUENCE stays below any later update's).
    events = await series_events(conn, row.relationship_id, row.created_at, SERIES_EVENT_TYPES)
    series = fold_series(row.relationship_id, events)
    if series is None:
        return None
    return build_invite(series, organizer_email=organizer, attendee_email=attendee, now=now)
