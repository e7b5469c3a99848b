"""Logs never hold secrets, tokens, names, addresses or private text: everything the worker, the
web app and the CLI erase command log during a pair's life is captured and scanned."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from delivery.links import LinkSigner
from delivery.mailsink import MailStore
from domain.prompts import ConsentAnswer
from services.erasure import erase_person
from store.database import Pool
from store.people import Person, upsert_person
from tests.fixtures.temporal import TEST_KEYRING
from tests.web.conftest import API_KEY, LINK_SECRET, OPERATOR_TOKEN
from tests.web.pairs import answer, handle_of
from twoway.logging import configure_logging


class Everything(logging.Handler):
    def __init__(self, rendered: io.StringIO) -> None:
        super().__init__(level=logging.DEBUG)
        self.rendered = rendered
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # structlog hands its event dict over as `msg`: str() shows every key and value.
        self.lines.append(f"{record.name} {record.msg!s} {record.args!r} {record.exc_text or ''}")


@pytest.fixture
def captured() -> Iterator[Everything]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    rendered = io.StringIO()
    # The pipeline every twoway process installs, rendering JSON as in production.
    configure_logging("DEBUG", json=True, stream=rendered)
    handler = Everything(rendered)
    root.addHandler(handler)
    yield handler
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_pair_from_start_to_erasure_logs_no_secret_and_no_private_text(
    api: httpx.AsyncClient,
    client: Client,
    web_pool: Pool,
    link_signer: LinkSigner,
    programme: str,
    captured: Everything,
    tmp_path: Path,
) -> None:
    marker = f"PRIVATE-{uuid.uuid4().hex}"
    suffix = uuid.uuid4().hex[:8]
    mentor = Person(f"emp-log-{suffix}-a", f"Secretname {suffix}", f"hidden-{suffix}@example.test")
    mentee = Person(f"emp-log-{suffix}-b", f"Othername {suffix}", f"other-{suffix}@example.test")
    async with web_pool.acquire() as conn:
        for person in (mentor, mentee):
            await upsert_person(conn, person)
    response = await api.post(
        "/api/v1/pairs",
        json={
            "programme_id": programme,
            "mentor_id": mentor.person_id,
            "mentee_id": mentee.person_id,
            "coordinator_id": "coord-1",
            "owner_id": "owner-1",
        },
    )
    assert response.status_code == 201, response.text
    relationship_id = response.json()["relationship_id"]
    token = link_signer.make(mentor.person_id, datetime.now(UTC))
    inbox = await api.get(f"/inbox/{token}")
    assert inbox.status_code < 500
    await answer(
        client,
        relationship_id,
        "consent:mentor",
        mentor.person_id,
        ConsentAnswer(decision="accept"),
    )
    declined = ConsentAnswer(decision="decline", reason=f"{marker} private reason")
    await answer(client, relationship_id, "consent:mentee", mentee.person_id, declined)
    await handle_of(client, relationship_id).result()
    async with web_pool.acquire() as conn:
        await erase_person(conn, client, MailStore(tmp_path / "mail"), mentor.person_id)

    text = "\n".join([captured.rendered.getvalue(), *captured.lines])
    assert "events_recorded" in text  # the worker's logs were captured
    forbidden = {
        "private text": marker,
        "a name": mentor.display_name,
        "an address": mentor.email,
        "the other name": mentee.display_name,
        "the API key": API_KEY,
        "the operator token": OPERATOR_TOKEN,
        "the link secret": LINK_SECRET,
        "an inbox link token": token,
        "the payload key": TEST_KEYRING.render(),
    }
    for what, value in forbidden.items():
        assert value not in text, f"the logs hold {what}"
