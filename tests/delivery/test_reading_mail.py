"""Mail that gives something to read: the meeting reminder carries the conversation guide of its
meeting (the programme's focus areas in turn), and the completion mail links each participant,
and only them, to their certificate."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from content import ContentError, load_content
from delivery.dispatcher import Dispatcher, dispatcher_from_settings
from delivery.guides import MeetingGuides
from delivery.links import LinkSigner
from store.database import Pool
from tests.delivery.conftest import DispatcherFactory, Sink, add_people, person, queue
from twoway.settings import Settings

CONTENT = load_content()
# As a programme defines them (domain.programme.Programme.focus_areas).
FOCUS_AREAS = {"prog-green": ("Sustainability", "Inclusion at work")}


async def focus_areas_of(programme_id: str) -> Sequence[str]:
    return FOCUS_AREAS.get(programme_id, ())


async def relationship_in(pool: Pool, programme_id: str) -> str:
    relationship_id = f"rel-{uuid.uuid4().hex[:12]}"
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO relationships (relationship_id, programme_id, mentor_id, mentee_id,"
            " phase, mode, health, last_version, updated_at)"
            " VALUES ($1, $2, 'mentor-1', 'mentee-1', 'active', 'reverse', 'green', 1, $3)",
            relationship_id,
            programme_id,
            datetime.now(UTC),
        )
    return relationship_id


def bodies(sink: Sink) -> list[tuple[str, str]]:
    found = []
    for entry in sink.store.entries():
        message: EmailMessage = sink.store.read(entry)
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        assert text is not None
        assert html is not None
        found.append((text.get_content(), html.get_content()))
    return found


async def remind(pool: Pool, relationship_id: str, number: int) -> None:
    await queue(
        pool,
        f"{relationship_id}:meeting:{number}:reminder:mentee",
        recipient="mentee-1",
        role="participant",
        template="meeting_reminder",
        relationship_id=relationship_id,
        data={"meeting_number": number, "scheduled_at": "2026-03-03T10:00:00+00:00"},
    )


async def test_each_reminder_carries_the_guide_of_its_meeting_in_the_programmes_turn(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("mentee-1"))
    relationship_id = await relationship_in(pg_pool, "prog-green")
    for number in (1, 2):
        await remind(pg_pool, relationship_id, number)
    dispatcher: Dispatcher = make_dispatcher(guides=MeetingGuides(CONTENT, focus_areas_of))

    report = await dispatcher.run_once()

    assert report.delivered == 2
    texts = sorted(bodies(sink), key=lambda pair: "#1" not in pair[0])
    sustainability = CONTENT.guide_for_area("Sustainability").text
    inclusion = CONTENT.guide_for_area("Inclusion at work").text
    assert sustainability.title in texts[0][0]
    assert sustainability.body.splitlines()[0] in texts[0][0]
    assert inclusion.title in texts[1][0]
    assert "<li>" in texts[1][1]


async def test_a_reminder_of_a_programme_without_focus_areas_carries_the_general_guide(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("mentee-1"))
    relationship_id = await relationship_in(pg_pool, "prog-plain")
    await remind(pg_pool, relationship_id, 1)

    await make_dispatcher(guides=MeetingGuides(CONTENT, focus_areas_of)).run_once()

    [(text, _)] = bodies(sink)
    assert CONTENT.general.text.title in text


async def test_the_completion_mail_links_each_participant_to_their_certificate_only(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("mentor-1"), person("coord-1"))
    relationship_id = await relationship_in(pg_pool, "prog-plain")
    for recipient, role in (("mentor-1", "participant"), ("coord-1", "coordinator")):
        await queue(
            pg_pool,
            f"{relationship_id}:term:1:completed:{role}",
            recipient=recipient,
            role=role,
            template="relationship_completed",
            relationship_id=relationship_id,
            data={"term_number": 1},
        )

    await make_dispatcher().run_once()

    mails = bodies(sink)
    assert len(mails) == 2
    certificate = f"/relationships/{relationship_id}/certificate"
    with_link = [text for text, _ in mails if certificate in text]
    assert len(with_link) == 1
    assert "/inbox/" in with_link[0]
    assert "Your certificate" in next(html for _, html in mails if certificate in html)


async def test_a_malformed_owner_file_stops_the_dispatchers_start_naming_it(
    pg_pool: Pool, signer: LinkSigner, tmp_path: Path
) -> None:
    broken = tmp_path / "content" / "guides" / "inclusion.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("Inclusion\n\n- no header\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", content_dir=tmp_path / "content")
    with pytest.raises(ContentError) as error:
        dispatcher_from_settings(pg_pool, settings, signer=signer)
    assert str(broken) in str(error.value)
