"""Scrubbing one erased person out of the read model, shared by `twoway erase` and the rebuild.

The event store is append-only and still names the person, so `projections rebuild` projects
them back; it calls ``scrub_erased_people`` before committing, which finds them by the digest
kept in `erasures` and scrubs them again.
"""

from __future__ import annotations

import hashlib

from store.database import Connection
from store.sql_files import load_sql

# What an erased participant's id becomes in the relationships that keep their figures.
ERASED_MARKER = "erased"


def person_digest(person_id: str) -> str:
    return hashlib.sha256(person_id.encode()).hexdigest()


async def is_erased(conn: Connection, person_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM erasures WHERE person_digest = $1", person_digest(person_id)
    )
    return found is not None


async def relationship_ids_of(conn: Connection, person_id: str) -> list[str]:
    rows = await conn.fetch(load_sql("select_relationship_ids_of_person"), person_id)
    return [row["relationship_id"] for row in rows]


async def scrub_person(
    conn: Connection, person_id: str, relationship_ids: list[str]
) -> dict[str, int]:
    """Deletes or pseudonymises every read-model row of the person, and deletes their data key
    (crypto-shredding: what the event store sealed with it is unreadable from now on); returns
    counts per kind."""
    counts = await conn.fetchrow(
        load_sql("erase_person"), person_id, relationship_ids, ERASED_MARKER
    )
    assert counts is not None  # the statement always returns its one row of counts
    shredded = await conn.fetchval(
        "DELETE FROM person_keys WHERE person_digest = $1 RETURNING 1", person_digest(person_id)
    )
    rows = {key: int(value) for key, value in dict(counts).items() if value}
    if shredded is not None:
        rows["data_key"] = 1
    return rows


async def scrub_erased_people(conn: Connection) -> int:
    """After a rebuild: scrubs everyone already erased whom the events projected back."""
    rows = await conn.fetch(load_sql("select_erased_people_in_read_models"))
    for row in rows:
        person_id: str = row["person_id"]
        await scrub_person(conn, person_id, await relationship_ids_of(conn, person_id))
    return len(rows)
