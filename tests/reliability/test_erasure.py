"""`twoway erase --person ID`: the person leaves the read model and the mail sink, their running
relationships end with a neutral reason, the partner keeps their own data."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import httpx
import pytest
import typer
from temporalio.client import Client
from typer.testing import CliRunner

from cli.erase import erase_command
from delivery.mailsink import MailStore
from domain.prompts import ConsentAnswer
from projections.rebuild import rebuild_read_models
from services.erasure import (
    ERASURE_END_REASON,
    UnknownPersonError,
    erase_person,
)
from store.database import Pool, connect
from store.erasure import ERASED_MARKER
from store.people import Person, upsert_person
from tests.web.conftest import wait_for
from tests.web.pairs import answer, handle_of
from twoway.converter import sealer_from_settings
from twoway.settings import Settings

NOW = datetime(2030, 1, 6, 9, 0, tzinfo=UTC)


def someone(role: str) -> Person:
    suffix = uuid.uuid4().hex[:8]
    return Person(
        person_id=f"emp-{role}-{suffix}",
        display_name=f"Erasable {role.title()} {suffix}",
        email=f"{role}-{suffix}@example.test",
    )


def mail_to(person: Person, subject: str) -> bytes:
    message = EmailMessage()
    message["Message-ID"] = f"<{uuid.uuid4().hex}@twoway.test>"
    message["From"] = "twoway <twoway@localhost>"
    message["To"] = formataddr((person.display_name, person.email))
    message["Subject"] = subject
    message.set_content(f"Hello {person.display_name}")
    return bytes(message)


async def start_pair_of(api: httpx.AsyncClient, programme: str, mentor: str, mentee: str) -> str:
    body = {
        "programme_id": programme,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "coordinator_id": "coord-1",
        "owner_id": "owner-1",
    }
    response = await api.post("/api/v1/pairs", json=body)
    assert response.status_code == 201, response.text
    relationship_id: str = response.json()["relationship_id"]
    return relationship_id


async def seed_private_rows(pool: Pool, relationship_id: str, person_id: str) -> None:
    """Rows only a long-running pair reaches (check-ins, reflections), written directly."""
    await pool.execute(
        """INSERT INTO checkin_answers VALUES
           ($1, 1, 1, $2, 'mentor', 'reverse', 4, 5, 0.5, 'on_track', false, false, $3)""",
        relationship_id,
        person_id,
        NOW,
    )
    await pool.execute(
        "INSERT INTO closing_reflections VALUES ($1, 1, $2, 'mentor', 'reverse', 2, 1, true,"
        " false, $3)",
        relationship_id,
        person_id,
        NOW,
    )
    await pool.execute(
        "INSERT INTO programme_enrolments (programme_id, person_id, profile) VALUES ($1, $2, $3)",
        "prog-erasure",
        person_id,
        {"diversity": "consented"},
    )


async def seed_replay(pool: Pool, key: str, person_id: str) -> None:
    """A stored HR API answer naming the person deep in its body (as a roster import's does)."""
    await pool.execute(
        "INSERT INTO api_idempotency_keys (api_key_hash, idempotency_key, fingerprint,"
        " status_code, response_body) VALUES ('sha256:test', $1, 'print', 200, $2)",
        key,
        {"enrolled": 1, "people": [{"employee_id": person_id, "line": 2}]},
    )


PERSONAL_TABLES = (
    ("people", "person_id"),
    ("checkin_answers", "respondent_id"),
    ("closing_reflections", "respondent_id"),
    ("pending_prompts", "recipient_id"),
    ("outbox", "recipient_id"),
    ("programme_enrolments", "person_id"),
    ("relationships", "mentor_id"),
    ("relationships", "mentee_id"),
)


async def tables_naming(pool: Pool, person_id: str) -> list[str]:
    named: list[str] = []
    for table, column in PERSONAL_TABLES:
        sql = f"SELECT count(*) FROM {table} WHERE {column} = $1"
        if await count(pool, sql, person_id):
            named.append(f"{table}.{column}")
    return named


async def count(pool: Pool, sql: str, *args: object) -> int:
    value = await pool.fetchval(sql, *args)
    assert isinstance(value, int)
    return value


async def test_erasing_a_person_ends_their_relationship_and_removes_their_data_only(
    api: httpx.AsyncClient,
    client: Client,
    web_pool: Pool,
    programme: str,
    tmp_path: Path,
    web_settings: Settings,
) -> None:
    erased, partner = someone("mentor"), someone("mentee")
    for person in (erased, partner):
        async with web_pool.acquire() as conn:
            await upsert_person(conn, person)
    relationship_id = await start_pair_of(api, programme, erased.person_id, partner.person_id)
    await answer(
        client,
        relationship_id,
        "consent:mentor",
        erased.person_id,
        ConsentAnswer(decision="accept"),
    )

    async def prompts_queued() -> bool:
        return (
            await count(
                web_pool, "SELECT count(*) FROM outbox WHERE recipient_id = $1", erased.person_id
            )
            > 0
        )

    await wait_for(prompts_queued, what="a message queued for the person")
    # One message already went out: its row stays (delivery history) but loses its content.
    await web_pool.execute(
        "UPDATE outbox SET delivered_at = now() WHERE id = (SELECT min(id) FROM outbox"
        " WHERE recipient_id = $1)",
        erased.person_id,
    )
    await seed_private_rows(web_pool, relationship_id, erased.person_id)
    await seed_replay(web_pool, "theirs", erased.person_id)
    await seed_replay(web_pool, "partners", partner.person_id)
    mail = MailStore(tmp_path / "mail")
    mail.save(mail_to(erased, "Please answer"))
    kept = mail.save(mail_to(partner, "Please answer"))
    assert kept is not None

    async with web_pool.acquire() as conn:
        report = await erase_person(conn, client, mail, erased.person_id)

    assert report.relationships_ended == [relationship_id]
    assert report.mails_deleted == 1
    outcome = await handle_of(client, relationship_id).result()
    assert (outcome.phase, outcome.end_reason) == ("ended_early", ERASURE_END_REASON)
    row = await web_pool.fetchrow(
        "SELECT mentor_id, mentee_id, phase, end_reason FROM relationships"
        " WHERE relationship_id = $1",
        relationship_id,
    )
    assert row is not None
    assert dict(row) == {
        "mentor_id": ERASED_MARKER,
        "mentee_id": partner.person_id,
        "phase": "ended_early",
        "end_reason": ERASURE_END_REASON,
    }
    assert await tables_naming(web_pool, erased.person_id) == []
    blanked = await web_pool.fetchrow(
        "SELECT data FROM outbox WHERE recipient_id = $1 AND delivered_at IS NOT NULL",
        ERASED_MARKER,
    )
    assert blanked is not None
    assert blanked["data"] == {}
    assert (
        await count(web_pool, "SELECT count(*) FROM people WHERE person_id = $1", partner.person_id)
        == 1
    )
    replays = await web_pool.fetch("SELECT idempotency_key FROM api_idempotency_keys")
    assert [row["idempotency_key"] for row in replays] == ["partners"]
    assert [entry.to for entry in mail.entries()] == [kept.to]
    assert sorted(p.name for p in mail.messages.iterdir()) == [kept.file]
    assert not any(erased.email in line for line in mail.index.read_text().splitlines())

    async with web_pool.acquire() as conn:
        again = await erase_person(conn, client, mail, erased.person_id)
    assert again.already_erased
    assert again.rows_changed == 0

    # The append-only events sealed their values with the key erasure deleted: a rebuild with
    # the deployment key reads them as erased, so nobody is left to scrub.
    async with web_pool.acquire() as conn:
        rebuilt = await rebuild_read_models(conn, sealer=sealer_from_settings(web_settings))
    assert rebuilt.erased_scrubbed == 0
    assert await tables_naming(web_pool, erased.person_id) == []
    mentor_after_rebuild = await web_pool.fetchval(
        "SELECT mentor_id FROM relationships WHERE relationship_id = $1", relationship_id
    )
    assert mentor_after_rebuild == ERASED_MARKER


async def test_erasing_someone_nobody_knows_is_refused(client: Client, web_pool: Pool) -> None:
    async with web_pool.acquire() as conn:
        with pytest.raises(UnknownPersonError):
            await erase_person(conn, client, None, f"emp-nobody-{uuid.uuid4().hex[:8]}")


async def _seed_person(database_url: str, person: Person) -> None:
    conn = await connect(database_url)
    try:
        await upsert_person(conn, person)
    finally:
        await conn.close()


def test_the_erase_command_exits_2_for_an_unknown_person_and_0_once_erased(
    web_settings: Settings, web_stack: object, tmp_path: Path
) -> None:
    app = typer.Typer()
    app.command()(erase_command)
    assert web_settings.database_url is not None
    known = someone("mentee")
    asyncio.run(_seed_person(web_settings.database_url, known))
    assert web_settings.encryption_keys is not None
    env = {
        "TWOWAY_HOME": str(tmp_path / "home"),
        "TWOWAY_DATABASE_URL": str(web_settings.database_url),
        "TWOWAY_TEMPORAL_ADDRESS": web_settings.temporal_target,
        "TWOWAY_NAMESPACE": web_settings.namespace,
        "TWOWAY_ENCRYPTION_KEYS": web_settings.encryption_keys.get_secret_value(),
    }
    runner = CliRunner()
    unknown = runner.invoke(app, ["--person", "emp-never-seen"], env=env)
    assert unknown.exit_code == 2, unknown.output
    assert "no person" in unknown.output
    erased = runner.invoke(app, ["--person", known.person_id], env=env)
    assert erased.exit_code == 0, erased.output
    assert "people: 1" in erased.output
    again = runner.invoke(app, ["--person", known.person_id], env=env)
    assert again.exit_code == 0, again.output
    assert "already erased" in again.output
