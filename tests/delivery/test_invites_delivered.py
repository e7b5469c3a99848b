"""Calendar invites travel with the mail and parse back as the pair agreed them."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from delivery.calendar import series_uid
from store.database import Pool
from tests.delivery.conftest import (
    RELATIONSHIP_ID,
    DispatcherFactory,
    Sink,
    add_people,
    person,
    queue,
)
from tests.delivery.history import FIRST_MEETING, MENTOR, TERM_END, History
from tests.delivery.ical import events, prop, rrule, sequence


def invites_in(sink: Sink, number: int) -> list[tuple[str, Calendar]]:
    message = sink.store.read(sink.store.entries()[number - 1])
    found = []
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found.append((str(part.get_param("method")), Calendar.from_ical(payload)))
    return found


async def test_the_signed_contract_mail_carries_the_agreed_series(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await (
        History()
        .signed(cadence=timedelta(weeks=2))
        .scheduled(1, FIRST_MEETING)
        .record(pg_pool, RELATIONSHIP_ID)
    )
    await add_people(pg_pool, person(MENTOR))
    await queue(
        pg_pool,
        f"{RELATIONSHIP_ID}:contract:v1:signed:mentor",
        recipient=MENTOR,
        role="participant",
        template="contract_signed",
        data={"relationship_id": RELATIONSHIP_ID, "contract_version": 1},
    )

    report = await make_dispatcher().run_once()

    assert report.delivered == 1
    [(method, calendar)] = invites_in(sink, 1)
    assert method == "REQUEST" == str(prop(calendar, "METHOD"))
    [event] = events(calendar)
    assert str(prop(event, "UID")) == series_uid(RELATIONSHIP_ID)
    assert event.decoded("DTSTART") == FIRST_MEETING
    assert event.decoded("DURATION") == timedelta(minutes=45)
    assert rrule(event)["FREQ"] == ["WEEKLY"]
    assert rrule(event)["INTERVAL"] == [2]
    assert rrule(event)["UNTIL"] == [TERM_END]
    assert str(prop(event, "ATTENDEE")) == f"mailto:{MENTOR}@example.test"


async def test_a_pause_mail_cancels_the_series(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    history = History().signed().scheduled(1, FIRST_MEETING).paused()
    await history.record(pg_pool, RELATIONSHIP_ID)
    await add_people(pg_pool, person(MENTOR), person("coord-1"))
    await queue(
        pg_pool,
        "k:paused:mentor",
        recipient=MENTOR,
        role="participant",
        template="relationship_paused",
        data={"relationship_id": RELATIONSHIP_ID, "reason": "leave", "participant_role": "mentor"},
    )
    await queue(pg_pool, "k:paused:coordinator", template="relationship_paused")

    await make_dispatcher().run_once()

    [(method, calendar)] = invites_in(sink, 1)
    assert method == "CANCEL"
    [event] = events(calendar)
    assert str(prop(event, "STATUS")) == "CANCELLED"
    assert sequence(event) == 1
    assert invites_in(sink, 2) == []  # the coordinator's copy has no calendar of theirs


async def test_a_reminder_without_any_series_is_sent_without_an_invite(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person(MENTOR))
    await queue(
        pg_pool,
        "k:reminder",
        recipient=MENTOR,
        role="participant",
        template="meeting_reminder",
        data={"meeting_number": 1, "scheduled_at": FIRST_MEETING.isoformat()},
    )

    report = await make_dispatcher().run_once()

    assert report.delivered == 1
    assert invites_in(sink, 1) == []
