"""Read-model queries shared by the HR API and the inbox (the ``relationships`` projection)."""

from __future__ import annotations

from dataclasses import dataclass

from store.database import Pool
from store.relationships import RelationshipRow
from web.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class PhaseHealthCount:
    phase: str
    health: str
    relationships: int


async def relationships_of_person(pool: Pool, person_id: str) -> list[RelationshipRow]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(load_sql("relationships_of_person"), person_id)
    return [RelationshipRow(**dict(row)) for row in rows]


async def relationships_filtered(
    pool: Pool,
    programme_id: str | None,
    person_id: str | None,
    limit: int,
    organisation: str | None = None,
) -> list[RelationshipRow]:
    """``organisation``: only pairs with at least one of its people (None: every pair)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            load_sql("relationships_filtered"), programme_id, person_id, limit, organisation
        )
    return [RelationshipRow(**dict(row)) for row in rows]


# More pairs than any programme has: "every pair" for the filtered list.
ALL_PAIRS = 1_000_000


async def pairs_of_organisation(pool: Pool, programme_id: str, organisation: str) -> frozenset[str]:
    """The programme's pairs with at least one person of ``organisation``: what its figures
    count (``?of=organisation``)."""
    rows = await relationships_filtered(pool, programme_id, None, ALL_PAIRS, organisation)
    return frozenset(row.relationship_id for row in rows)


async def relationship_counts(
    pool: Pool, programme_id: str | None, person_id: str | None, organisation: str | None = None
) -> list[PhaseHealthCount]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            load_sql("relationship_counts"), programme_id, person_id, organisation
        )
    return [PhaseHealthCount(**dict(row)) for row in rows]


async def pending_prompt_kind(
    pool: Pool, relationship_id: str, prompt_id: str, person_id: str
) -> str | None:
    """The kind of the person's prompt while the read model lists it as open, else None."""
    async with pool.acquire() as conn:
        kind: str | None = await conn.fetchval(
            load_sql("pending_prompt_kind"), relationship_id, prompt_id, person_id
        )
    return kind
