"""Organisations: whose person is whom, which organisations a programme has, what a key did.

Ids are global (one people table, one namespace of programme ids); the organisation is a column
next to them. A person or programme that names none belongs to ``DEFAULT_ORGANISATION``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from store.database import Connection
from store.sql_files import load_sql

DEFAULT_ORGANISATION = "default"


async def organisations_of(conn: Connection, person_ids: Iterable[str]) -> dict[str, str]:
    """The organisation of each of ``person_ids`` that is in the directory."""
    rows = await conn.fetch(
        load_sql("select_organisations_of"),
        sorted(set(person_ids)),
    )
    return {row["person_id"]: row["organisation"] for row in rows}


async def people_of_organisation(
    conn: Connection, organisation: str, person_ids: Iterable[str]
) -> frozenset[str]:
    """Those of ``person_ids`` that belong to ``organisation``.

    A person missing from the directory counts as the default organisation's, like every person
    of a single-organisation deployment before they were given a directory entry.
    """
    ids = set(person_ids)
    known = await organisations_of(conn, ids)
    return frozenset(p for p in ids if known.get(p, DEFAULT_ORGANISATION) == organisation)


async def set_organisation(conn: Connection, person_ids: Sequence[str], organisation: str) -> None:
    await conn.execute(
        load_sql("set_organisation"),
        list(person_ids),
        organisation,
    )


async def programme_members(conn: Connection, programme_id: str) -> dict[str, tuple[str, ...]]:
    """Member organisation -> its coordinators; the default organisation alone when none is
    recorded (programmes created from the command line or before organisations)."""
    rows = await conn.fetch(
        load_sql("select_programme_members"),
        programme_id,
    )
    if not rows:
        return {DEFAULT_ORGANISATION: ()}
    return {row["organisation"]: tuple(row["coordinator_ids"]) for row in rows}


async def add_programme_members(
    conn: Connection, programme_id: str, members: Mapping[str, Sequence[str]]
) -> None:
    """Record the member organisations; an organisation already recorded keeps its row."""
    await conn.executemany(
        load_sql("insert_programme_member"),
        [(programme_id, org, list(coordinators)) for org, coordinators in members.items()],
    )


async def programmes_of_organisation(conn: Connection, organisation: str) -> frozenset[str]:
    """The programmes an organisation was recorded as a member of (default-only ones excluded)."""
    rows = await conn.fetch(load_sql("select_programmes_of_organisation"), organisation)
    return frozenset(row["programme_id"] for row in rows)


async def record_key_action(
    conn: Connection, key_id: str, organisation: str, method: str, path: str, status: int
) -> None:
    await conn.execute(
        load_sql("insert_api_key_action"),
        key_id,
        organisation,
        method,
        path[:300],
        status,
    )


async def set_organisation_name(conn: Connection, organisation: str, display_name: str) -> None:
    await conn.execute(load_sql("upsert_organisation_name"), organisation, display_name)


async def organisation_names(conn: Connection, organisations: Iterable[str]) -> dict[str, str]:
    """The name each of ``organisations`` is shown by: its display name, else its id."""
    wanted = sorted(set(organisations))
    rows = await conn.fetch(load_sql("select_organisation_names"), wanted)
    named = {row["organisation"]: row["display_name"] for row in rows}
    return {organisation: named.get(organisation, organisation) for organisation in wanted}
