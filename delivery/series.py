"""The meeting series a calendar invite announces, from the events as the event store keeps them.

The fold itself is a projection over typed events (`projections.meeting_series`); this module
only turns stored rows back into those events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.events import EVENT_ADAPTER
from projections.meeting_series import MeetingSeries, MovedMeeting
from projections.meeting_series import fold_series as fold_events
from store.personal_data import masked


def fold_series(
    relationship_id: str, events: Sequence[tuple[str, dict[str, Any]]]
) -> MeetingSeries | None:
    """The series after the stored ``(event_type, data)`` rows; None before the first meeting."""
    # A stored event that no longer parses is a bug to fix, as in the projector: it fails loudly.
    # Personal values are sealed (`store.personal_data`) and a series uses none of them, so
    # they are read as erased: the dispatcher needs no key to the people's data.
    return fold_events(
        relationship_id, (EVENT_ADAPTER.validate_python(masked(data)) for _, data in events)
    )


__all__ = ["MeetingSeries", "MovedMeeting", "fold_series"]
