"""The people directory: the one place where a recipient id becomes a name and an address.

Everything upstream (events, workflow payloads, outbox data) carries ids only; delivery looks the
person up at send time, so a changed address or time zone applies to messages already queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from store.database import Connection
from store.sql_files import load_sql

WEEKDAYS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    # Kept out of the repr so a logged or raised Person never shows who it is.
    display_name: str = field(repr=False)
    email: str = field(repr=False)
    time_zone: str = "UTC"
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 30)
    # ISO weekdays, 1 = Monday ... 7 = Sunday.
    working_days: tuple[int, ...] = WEEKDAYS
    locale: str = "en"


async def upsert_person(conn: Connection, person: Person) -> None:
    await conn.execute(
        load_sql("upsert_person"),
        person.person_id,
        person.display_name,
        person.email,
        person.time_zone,
        person.working_hours_start,
        person.working_hours_end,
        list(person.working_days),
        person.locale,
    )


async def get_person(conn: Connection, person_id: str) -> Person | None:
    record = await conn.fetchrow(load_sql("select_person"), person_id)
    if record is None:
        return None
    values = dict(record)
    values["working_days"] = tuple(values["working_days"])
    return Person(**values)
