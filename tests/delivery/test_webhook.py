"""Coordinator news reaches a (local) Slack-compatible incoming webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from delivery.webhook import WebhookPoster, chat_payload
from store.database import Pool
from tests.delivery.conftest import (
    RELATIONSHIP_ID,
    Clock,
    DispatcherFactory,
    Sink,
    add_people,
    person,
    queue,
)

SECRET = "my manager shouts at me"


class ChatServer:
    """An incoming-webhook endpoint on 127.0.0.1 that answers ``statuses`` in turn, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses = statuses
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(json.loads(body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0/B0/x"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer([]) as server:
        yield server


ESCALATION = {
    "relationship_id": RELATIONSHIP_ID,
    "escalation_id": "esc-1",
    "reasons": "tension_flag,low_safety",
    "severity": "high",
    "respond_by": "2026-03-05T10:00:00+00:00",
    "raised_by": "mentee",
    "private_note": SECRET,
}


async def test_coordinator_news_reaches_the_webhook_with_the_expected_payload(
    pg_pool: Pool, sink: Sink, chat: ChatServer, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"), person("emp-17"))
    await queue(pg_pool, "k:esc-1:opened:coordinator", data=ESCALATION)
    await queue(
        pg_pool,
        "k:mediation:mentor",
        recipient="emp-17",
        role="participant",
        template="mediation_started",
    )

    report = await make_dispatcher(chat=WebhookPoster(chat.url, timeout=5)).run_once()

    assert report.delivered == 2
    assert len(sink.message_ids()) == 2  # both by e-mail; only the coordinator's in chat
    [payload] = chat.received
    assert payload == chat_payload("escalation_opened", ESCALATION)
    assert payload["text"] == "Action needed: a mentoring relationship needs your attention"
    assert payload["blocks"][0]["type"] == "header"
    fields = {f["text"] for f in payload["blocks"][1]["fields"]}
    assert f"*Relationship id*\n{RELATIONSHIP_ID}" in fields
    assert "*Severity*\nhigh" in fields
    assert SECRET not in json.dumps(payload)
    assert "inbox" not in json.dumps(payload)  # a personal link never goes to a shared channel


async def test_a_failing_webhook_is_retried_without_sending_the_mail_again(
    pg_pool: Pool, sink: Sink, clock: Clock, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"))
    await queue(pg_pool, "k:health:coordinator", template="health_changed", data={"level": "red"})
    with ChatServer([503]) as flaky:
        dispatcher = make_dispatcher(chat=WebhookPoster(flaky.url, timeout=5))
        first = await dispatcher.run_once()
        clock.advance(timedelta(seconds=30))
        second = await dispatcher.run_once()

    assert first.count("retrying") == 1
    assert second.delivered == 1
    assert len(flaky.received) == 2
    assert len(sink.message_ids()) == 1
    assert sink.handler.duplicates == 0  # the e-mail went once; only the chat post was retried
