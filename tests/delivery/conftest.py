"""Real PostgreSQL (shared fixtures) and a real SMTP server (our sink) on a free local port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from delivery.dispatcher import ChatPoster, Dispatcher, DispatchPolicy, MailIdentity
from delivery.email import SmtpMailer
from delivery.guides import MeetingGuides
from delivery.links import LinkSigner
from delivery.mailsink import MailStore, SinkHandler, start_sink
from store.database import Pool
from store.outbox import OutboxMessage, enqueue
from store.people import Person, upsert_person

# A Monday, 10:00 UTC: inside default working hours in UTC and Europe/Paris.
MONDAY_10_UTC = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RELATIONSHIP_ID = "rel-deliv-1"


@dataclass
class Sink:
    store: MailStore
    handler: SinkHandler
    port: int

    def message_ids(self) -> list[str]:
        return [entry.message_id for entry in self.store.entries()]


@pytest_asyncio.fixture(loop_scope="session")
async def sink(tmp_path: Path) -> AsyncIterator[Sink]:
    handler = SinkHandler(MailStore(tmp_path / "mail"))
    async for running in _serve(handler):
        yield running


async def _serve(handler: SinkHandler) -> AsyncIterator[Sink]:
    server = await start_sink(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield Sink(store=handler.store, handler=handler, port=port)
    finally:
        server.close()
        await server.wait_closed()


class Clock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, now: datetime = MONDAY_10_UTC) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def signer() -> LinkSigner:
    return LinkSigner(secret=b"test-secret-of-thirty-two-bytes!", ttl=timedelta(days=14))


DispatcherFactory = Callable[..., Dispatcher]


@pytest.fixture
def make_dispatcher(
    pg_pool: Pool, sink: Sink, clock: Clock, signer: LinkSigner
) -> DispatcherFactory:
    def build(
        *,
        chat: ChatPoster | None = None,
        policy: DispatchPolicy | None = None,
        port: int | None = None,
        guides: MeetingGuides | None = None,
    ) -> Dispatcher:
        return Dispatcher(
            pg_pool,
            mailer=SmtpMailer(host="127.0.0.1", port=port or sink.port, timeout=10),
            identity=MailIdentity(
                sender="twoway <twoway@example.test>",
                links_base_url="http://127.0.0.1:8080",
                signer=signer,
            ),
            chat=chat,
            policy=policy,
            clock=clock,
            guides=guides,
        )

    return build


def person(person_id: str, **overrides: object) -> Person:
    values: dict[str, object] = {
        "person_id": person_id,
        "display_name": f"Person {person_id}",
        "email": f"{person_id}@example.test",
        "time_zone": "UTC",
    }
    values.update(overrides)
    return Person(**values)  # type: ignore[arg-type]


async def add_people(pool: Pool, *people: Person) -> None:
    async with pool.acquire() as conn:
        for someone in people:
            await upsert_person(conn, someone)


async def queue(
    pool: Pool,
    key: str,
    *,
    recipient: str = "coord-1",
    role: str = "coordinator",
    template: str = "escalation_opened",
    data: Mapping[str, object] | None = None,
    relationship_id: str | None = RELATIONSHIP_ID,
) -> int:
    async with pool.acquire() as conn:
        queued = await enqueue(
            conn,
            OutboxMessage(
                idempotency_key=key,
                relationship_id=relationship_id,
                recipient_id=recipient,
                recipient_role=role,
                template=template,
                data=dict(data) if data is not None else {"relationship_id": RELATIONSHIP_ID},
            ),
        )
    return queued.outbox_id


async def wait_for(
    condition: Callable[[], Awaitable[bool] | bool], *, within: float = 20.0, what: str = ""
) -> None:
    """Poll ``condition`` until true; fail after ``within`` seconds instead of hanging."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = condition()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or 'condition'}")
        await asyncio.sleep(0.02)
