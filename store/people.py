"""The people directory: the one place where a recipient id becomes a name and an address.

Everything upstream (events, workflow payloads, outbox data) carries ids only; delivery looks the
person up at send time, so a changed address or time zone applies to messages already queued.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time

from domain.slots import Availability
from store.database import Connection
from store.organisations import DEFAULT_ORGANISATION
from store.outbox import OutboxMessage, enqueue
from store.sql_files import load_sql

EMAIL_CHANGED_TEMPLATE = "email_changed"

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
    # Mail names it, so a person of a cross-organisation programme knows who writes for whom.
    organisation: str = DEFAULT_ORGANISATION
    # The organisation's display name, when it has one (``organisation_names``).
    organisation_name: str | None = None

    @property
    def organisation_shown(self) -> str | None:
        """How mail names the person's own organisation; None in single-organisation
        deployments, whose mail names none."""
        if self.organisation == DEFAULT_ORGANISATION:
            return self.organisation_name
        return self.organisation_name or self.organisation


def availability_of(person: Person) -> Availability | None:
    """The person's zone and hours as the relationship needs them; None if the roster's zone
    or hours cannot be used (a typo must not stop a pair: its slots are then unchecked)."""
    try:
        return Availability(
            time_zone=person.time_zone,
            working_hours_start=person.working_hours_start,
            working_hours_end=person.working_hours_end,
            working_days=tuple(person.working_days),
        )
    except ValueError:
        return None


async def availability_by_id(conn: Connection, person_id: str) -> Availability | None:
    person = await get_person(conn, person_id)
    return None if person is None else availability_of(person)


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


async def replace_person(conn: Connection, person: Person, changed_by: str) -> bool:
    """Create or replace ``person``; True when this changed their e-mail address.

    Whoever controls the address receives the person's next inbox link, so a change records who
    made it (``changed_by``, an API key id) and queues a notice to the *old* address, in the same
    transaction: the person hears of it even when the change was not theirs.
    """
    async with conn.transaction():
        before = await conn.fetchval(load_sql("lock_person_email"), person.person_id)
        await upsert_person(conn, person)
        if before is None or before.casefold() == person.email.casefold():
            return False
        await record_email_change(conn, person.person_id, before, changed_by)
    return True


async def emails_of(conn: Connection, person_ids: list[str]) -> dict[str, str]:
    """Current addresses of those of ``person_ids`` in the directory, locked until commit."""
    rows = await conn.fetch(load_sql("lock_people_emails"), person_ids)
    return {row["person_id"]: row["email"] for row in rows}


async def record_email_change(
    conn: Connection, person_id: str, old_email: str, changed_by: str
) -> None:
    """After an address change: who made it, and a notice to the old address (in the outbox)."""
    changed_at: datetime = await conn.fetchval(
        load_sql("record_email_change"), person_id, changed_by
    )
    await enqueue(conn, _email_change_notice(person_id, old_email, changed_by, changed_at))


def _email_change_notice(
    person_id: str, old_email: str, changed_by: str, changed_at: datetime
) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=f"person:{person_id}:email-changed:{uuid.uuid4().hex}",
        relationship_id=None,
        recipient_id=person_id,
        # Not "participant": a notice about one's own address is not held for working hours.
        recipient_role="person",
        template=EMAIL_CHANGED_TEMPLATE,
        data={
            "deliver_to": old_email,
            "changed_by": changed_by,
            "changed_at": changed_at.isoformat(),
        },
    )
