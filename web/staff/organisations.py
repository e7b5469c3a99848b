"""Each organisation's staff see their own: in a programme of several organisations, a
coordinator or owner sees the cases and pairs with at least one person of their organisation.

Programmes without recorded member organisations (every single-organisation deployment) are not
narrowed at all. Operators are never narrowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from store.organisations import DEFAULT_ORGANISATION, organisations_of, people_of_organisation
from web.services import WebServices
from web.sql_files import load_sql


class _OfPair(Protocol):
    @property
    def relationship_id(self) -> str: ...

    @property
    def programme_id(self) -> str: ...


Item = TypeVar("Item", bound=_OfPair)


async def staff_organisations(
    services: WebServices, person_id: str, programmes: Sequence[str]
) -> dict[str, str]:
    """Programme -> the organisation the person acts for there, for the programmes of several
    organisations: the member organisation listing them as coordinator, else their own."""
    async with services.pool.acquire() as conn:
        shared = {
            row["programme_id"]
            for row in await conn.fetch(load_sql("staff_programmes_with_members"), list(programmes))
        }
        listed = {
            row["programme_id"]: row["organisation"]
            for row in await conn.fetch(load_sql("staff_organisations_of"), person_id)
        }
        own = (await organisations_of(conn, [person_id])).get(person_id, DEFAULT_ORGANISATION)
    return {programme: listed.get(programme, own) for programme in shared}


async def narrowed(
    services: WebServices, organisations: Mapping[str, str], items: list[Item]
) -> list[Item]:
    """Those of ``items`` the viewer's organisation may see (see the module docstring)."""
    if not organisations:
        return items
    ids = sorted({item.relationship_id for item in items})
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("relationship_participants"), ids)
        people = {row["relationship_id"]: (row["mentor_id"], row["mentee_id"]) for row in rows}
        kept: list[Item] = []
        for item in items:
            organisation = organisations.get(item.programme_id)
            if organisation is None:
                kept.append(item)
                continue
            pair = people.get(item.relationship_id, ())
            if await people_of_organisation(conn, organisation, pair):
                kept.append(item)
    return kept
