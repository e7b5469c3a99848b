"""Threat: a holder of an HR API key changes a person's address and so receives their next inbox
link. The change is recorded with the key that made it, and the old address is told (through the
outbox), without a link, so the person hears of a change they did not ask for."""

from __future__ import annotations

import uuid
from datetime import time

import httpx

from store.database import Pool
from tests.web.conftest import API_KEY
from tests.web.test_browser import LINK, Mailbox
from tests.web.test_programmes import csv_upload, programme_body
from twoway.credentials import hash_api_key

KEY_ID = f"api-key:{hash_api_key(API_KEY).removeprefix('sha256:')[:12]}"
SUBJECT = "The e-mail address of your mentoring programme was changed"


def entry(email: str) -> dict[str, object]:
    return {
        "display_name": "Person Changed",
        "email": email,
        "working_hours_start": time(0, 0).isoformat(),
        "working_hours_end": time(23, 59, 59).isoformat(),
        "working_days": [1, 2, 3, 4, 5, 6, 7],
    }


async def delivered_to(mailbox: Mailbox, address: str) -> list[str]:
    await mailbox.dispatcher.run_once()
    return [e.subject for e in mailbox.store.entries() if address in e.to]


async def test_an_address_change_names_the_key_and_is_confirmed_to_the_old_address(
    api: httpx.AsyncClient, mailbox: Mailbox, web_pool: Pool
) -> None:
    person = f"emp-{uuid.uuid4().hex[:8]}"
    old, new = f"{person}@old.example.org", f"{person}@attacker.example.org"
    assert (await api.put(f"/api/v1/people/{person}", json=entry(old))).status_code == 200
    assert (await api.put(f"/api/v1/people/{person}", json=entry(old))).status_code == 200
    assert await delivered_to(mailbox, old) == []  # neither creating nor re-sending is a change

    assert (await api.put(f"/api/v1/people/{person}", json=entry(new))).status_code == 200

    assert await delivered_to(mailbox, old) == [SUBJECT]
    assert await delivered_to(mailbox, new) == []
    [notice] = [e for e in mailbox.store.entries() if old in e.to]
    text = mailbox.store.read(notice).get_body(preferencelist=("plain",))
    assert text is not None
    body = text.get_content()
    assert KEY_ID in body
    assert LINK.search(body) is None, "the old address must not get an inbox link"
    async with web_pool.acquire() as conn:
        changed_by = await conn.fetchval(
            "SELECT email_changed_by FROM people WHERE person_id = $1", person
        )
    assert changed_by == KEY_ID


async def test_a_roster_import_that_changes_an_address_confirms_it_to_the_old_one(
    api: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    programme = f"p{uuid.uuid4().hex[:10]}"
    assert (await api.post("/api/v1/programmes", json=programme_body(programme))).status_code == 201
    person = f"emp-{uuid.uuid4().hex[:8]}"
    old = f"{person}@old.example.org"
    assert (await api.put(f"/api/v1/people/{person}", json=entry(old))).status_code == 200
    roster = (
        "employee_id,display_name,email,department,time_zone,languages,career_level,"
        "role_preference\n"
        f"{person},Person Changed,{person}@new.example.org,IT,Europe/Paris,en,2,mentor\n"
    )
    imported = await api.post(f"/api/v1/programmes/{programme}/roster", files=csv_upload(roster))
    assert imported.status_code == 200, imported.text
    assert await delivered_to(mailbox, old) == [SUBJECT]
