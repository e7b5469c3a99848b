"""The meeting series a calendar shows, folded from the typed events of a real pair."""

from __future__ import annotations

from datetime import timedelta

from domain import PauseRelationship
from domain.events import MeetingScheduled
from projections.meeting_series import fold_series
from tests.projections.builders import NamedPair


def test_routine_meetings_keep_one_unchanged_series_on_the_contract_cadence() -> None:
    onboarded = NamedPair(2)
    onboarded.onboard()
    assert fold_series(onboarded.relationship_id, onboarded.events) is None  # no contract yet
    pair = NamedPair(1)
    agreed = pair.sign_contract()

    pair.engage_until(pair.now + timedelta(minutes=9))

    first = next(e for e in pair.events if isinstance(e, MeetingScheduled))
    series = fold_series(pair.relationship_id, pair.events)
    assert series is not None
    assert (series.first_start, series.cadence, series.duration) == (
        first.scheduled_at,
        agreed.cadence,
        agreed.meeting_length,
    )
    assert (series.sequence, series.cancelled, series.until) == (0, False, agreed.term_end)


def test_a_pause_cancels_the_series_and_tells_calendars_it_changed() -> None:
    pair = NamedPair(1)
    pair.sign_contract()
    pair.engage_until(pair.now + timedelta(minutes=3))
    running = fold_series(pair.relationship_id, pair.events)

    pair.send(PauseRelationship())

    paused = fold_series(pair.relationship_id, pair.events)
    assert running is not None
    assert paused is not None
    assert paused.cancelled
    assert paused.sequence == running.sequence + 1
