"""Shared helpers of the privacy threat tests: pairs built with the pure decider, stored and
projected into the real PostgreSQL of the test."""

from __future__ import annotations

from datetime import datetime

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
