"""Mail carries the display name of the person's own organisation, as stored in PostgreSQL."""

from __future__ import annotations

import asyncio
import sys

from delivery.email import EmailRenderer
from store.database import Pool
from store.organisations import organisation_names, set_organisation, set_organisation_name
from store.people import Person, get_person, upsert_person

URL = "http://127.0.0.1:8080/inbox/tok"
DATA = {"kind": "consent", "prompt_id": "consent:mentor"}


async def test_mail_names_the_organisation_by_the_name_it_gave_itself(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        await upsert_person(conn, Person("gx-1", "Gina Junior", "gina@globex.example"))
        await set_organisation(conn, ["gx-1"], "globex")
        before = await get_person(conn, "gx-1")
        await set_organisation_name(conn, "globex", "Globex Corporation")
        await set_organisation_name(conn, "globex", "Globex Corporation Ltd")  # renamed
        after = await get_person(conn, "gx-1")
        names = await organisation_names(conn, ["globex", "initech"])
    assert before is not None
    assert after is not None

    unnamed = EmailRenderer().render("prompt_issued", DATA, before, URL)
    named = EmailRenderer().render("prompt_issued", DATA, after, URL)

    assert "for your mentoring programme at globex" in unnamed.text
    assert "for your mentoring programme at Globex Corporation Ltd" in named.text
    assert "at Globex Corporation Ltd" in named.html
    # An organisation without a name of its own is named by its id.
    assert names == {"globex": "Globex Corporation Ltd", "initech": "initech"}


async def test_a_single_organisation_deployment_names_itself_only_when_it_chose_a_name(
    pg_pool: Pool,
) -> None:
    async with pg_pool.acquire() as conn:
        await upsert_person(conn, Person("p-1", "Pat Example", "pat@example.org"))
        plain = await get_person(conn, "p-1")
        await set_organisation_name(conn, "default", "Example Works")
        named = await get_person(conn, "p-1")
    assert plain is not None
    assert named is not None
    assert (
        EmailRenderer()
        .render("prompt_issued", DATA, plain, URL)
        .text.rstrip()
        .endswith("for your mentoring programme")
    )
    assert (
        "programme at Example Works"
        in EmailRenderer().render("prompt_issued", DATA, named, URL).text
    )


async def test_twoway_organisation_name_stores_the_name(pg_pool: Pool, database_url: str) -> None:
    env = {"TWOWAY_DATABASE_URL": database_url, "PATH": "", "TWOWAY_LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "organisation", "name", "acme", "Acme Ltd",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    refused = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "organisation", "name", "Not An Id", "X",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await asyncio.wait_for(refused.communicate(), timeout=60)
    assert refused.returncode == 2
    async with pg_pool.acquire() as conn:
        assert await organisation_names(conn, ["acme"]) == {"acme": "Acme Ltd"}
