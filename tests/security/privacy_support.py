"""Shared helpers of the privacy threat tests: pairs built with the pure decider, stored and
projected into the real PostgreSQL of the test."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.policy import RelationshipPolicy
from store.database import Pool
from tests.domain.support import T0
from tests.projections.builders import NamedPair, record


async def completed_pairs(
    pool: Pool, programme_id: str, count: int, *, first: int = 1, at: datetime = T0
) -> list[NamedPair]:
    """`count` pairs that ran their whole term from `at`: every meeting held, every check-in
    answered (satisfaction 4), one goal of two achieved."""
    pairs = []
    for n in range(first, first + count):
        pair = NamedPair(n, programme_id, at=at)
        pair.run_to_completion(achieved=1)
        await record(pool, pair.relationship_id, pair.events, 1)
        pairs.append(pair)
    return pairs


def checkin_soon_policy(checkin_interval: timedelta) -> RelationshipPolicy:
    """The demo policy with a check-in soon after signing and every other deadline hours away,
    so only the check-in (and what follows it) happens while a test watches."""
    return RelationshipPolicy.demo().model_copy(
        update={
            "checkin_interval": checkin_interval,
            "checkin_response_window": timedelta(hours=2),
            "prompt_reminder_lead": timedelta(minutes=30),
            "coordinator_response_deadline": timedelta(hours=2),
            "owner_response_deadline": timedelta(hours=2),
            "default_cadence": timedelta(days=1),
            "default_term_length": timedelta(days=30),
        }
    )
