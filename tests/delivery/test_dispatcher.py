"""The dispatcher against real PostgreSQL and a real SMTP server (our sink on a free port)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest_asyncio
from aiosmtpd.smtp import SMTP, Envelope, Session

from delivery.dispatcher import DispatchPolicy
from delivery.email import message_id_for
from delivery.mailsink import MailStore, SinkHandler
from localstack.ports import free_port
from store.database import Pool
from tests.delivery.conftest import (
    RELATIONSHIP_ID,
    Clock,
    DispatcherFactory,
    Sink,
    _serve,
    add_people,
    person,
    queue,
    wait_for,
)


async def outbox_rows(pool: Pool) -> list[dict[str, object]]:
    async with pool.acquire() as conn:
        records = await conn.fetch(
            "SELECT idempotency_key, delivered_at, failed_at, attempts, not_before, last_error,"
            " claim_token FROM outbox ORDER BY id"
        )
    return [dict(r) for r in records]


async def test_each_notification_arrives_once_when_the_dispatcher_runs_twice(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"))
    keys = [f"rel-deliv-1:esc-{n}:opened:coordinator" for n in range(3)]
    for key in keys:
        await queue(pg_pool, key)
    dispatcher = make_dispatcher()

    first = await dispatcher.run_once()
    second = await dispatcher.run_once()

    assert (first.claimed, first.delivered, second.claimed) == (3, 3, 0)
    assert sorted(sink.message_ids()) == sorted(message_id_for(k) for k in keys)
    assert sink.handler.duplicates == 0
    rows = await outbox_rows(pg_pool)
    assert all(r["delivered_at"] is not None and r["claim_token"] is None for r in rows)


async def test_concurrent_dispatchers_send_each_notification_once(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"))
    for n in range(24):
        await queue(pg_pool, f"rel-deliv-1:esc-{n}:opened:coordinator")
    dispatchers = [make_dispatcher() for _ in range(3)]

    reports = await asyncio.gather(*(d.run_once(limit=5) for d in dispatchers))
    while any(r.claimed for r in reports):
        reports = await asyncio.gather(*(d.run_once(limit=5) for d in dispatchers))

    assert len(sink.message_ids()) == len(set(sink.message_ids())) == 24
    assert sink.handler.duplicates == 0


class RefusingSink(SinkHandler):
    """Answers DATA with ``reply`` for the first ``times`` messages, then keeps them."""

    def __init__(self, store: MailStore, reply: str, times: int) -> None:
        super().__init__(store)
        self.reply = reply
        self.remaining = times

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.remaining > 0:
            self.remaining -= 1
            return self.reply
        return await super().handle_DATA(server, session, envelope)


@pytest_asyncio.fixture(loop_scope="session")
async def busy_sink(tmp_path: Path) -> AsyncIterator[Sink]:
    handler = RefusingSink(MailStore(tmp_path / "busy"), "451 4.3.0 try again later", times=1)
    async for running in _serve(handler):
        yield running


async def test_a_failed_send_backs_off_and_is_retried(
    pg_pool: Pool, busy_sink: Sink, clock: Clock, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"))
    await queue(pg_pool, "k:retry")
    dispatcher = make_dispatcher(port=busy_sink.port)

    failed = await dispatcher.run_once()
    [row] = await outbox_rows(pg_pool)
    too_early = await dispatcher.run_once()
    clock.advance(timedelta(seconds=30))
    retried = await dispatcher.run_once()

    assert failed.count("retrying") == 1
    assert (row["attempts"], row["last_error"]) == (1, "smtp_451")
    assert row["not_before"] == clock.now  # 30 s after the first attempt
    assert too_early.claimed == 0
    assert retried.delivered == 1
    assert busy_sink.message_ids() == [message_id_for("k:retry")]


async def test_a_message_is_given_up_after_the_last_attempt(
    pg_pool: Pool, clock: Clock, make_dispatcher: DispatcherFactory, tmp_path: Path
) -> None:
    await add_people(pg_pool, person("coord-1"))
    await queue(pg_pool, "k:doomed")
    handler = RefusingSink(MailStore(tmp_path / "never"), "421 4.3.2 shutting down", times=99)
    policy = DispatchPolicy(max_attempts=3)
    async for never in _serve(handler):
        dispatcher = make_dispatcher(port=never.port, policy=policy)
        outcomes = []
        for _ in range(4):
            report = await dispatcher.run_once()
            outcomes += [o for o, n in report.outcomes.items() for _ in range(n)]
            clock.advance(timedelta(hours=2))

    [row] = await outbox_rows(pg_pool)
    assert outcomes == ["retrying", "retrying", "failed"]
    assert row["failed_at"] is not None
    assert row["delivered_at"] is None
    assert row["attempts"] == 3


async def test_a_permanently_refused_message_fails_at_once(
    pg_pool: Pool, make_dispatcher: DispatcherFactory, tmp_path: Path
) -> None:
    await add_people(pg_pool, person("coord-1"))
    await queue(pg_pool, "k:refused")
    handler = RefusingSink(MailStore(tmp_path / "strict"), "554 5.7.1 rejected", times=99)
    async for strict in _serve(handler):
        report = await make_dispatcher(port=strict.port).run_once()

    [row] = await outbox_rows(pg_pool)
    assert report.count("failed") == 1
    assert (row["attempts"], row["last_error"]) == (1, "smtp_554")
    assert row["failed_at"] is not None


async def test_an_unreachable_server_is_retried_later(
    pg_pool: Pool, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"))
    await queue(pg_pool, "k:nobody-listens")

    report = await make_dispatcher(port=free_port()).run_once()

    [row] = await outbox_rows(pg_pool)
    assert report.count("retrying") == 1
    assert row["failed_at"] is None
    assert row["not_before"] is not None


async def test_an_unknown_recipient_is_retried_not_dropped(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await queue(pg_pool, "k:who", recipient="not-imported-yet")

    report = await make_dispatcher().run_once()

    [row] = await outbox_rows(pg_pool)
    assert report.count("retrying") == 1
    assert row["last_error"] == "unknown_recipient"
    assert sink.message_ids() == []


async def test_participant_mail_waits_for_working_hours_but_escalations_do_not(
    pg_pool: Pool, sink: Sink, clock: Clock, make_dispatcher: DispatcherFactory
) -> None:
    clock.now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 07:00 in Paris
    await add_people(pg_pool, person("emp-17", time_zone="Europe/Paris"), person("coord-1"))
    await queue(
        pg_pool,
        "k:reminder",
        recipient="emp-17",
        role="participant",
        template="prompt_reminder",
        data={"kind": "checkin", "due_at": "2026-03-03T16:00:00Z"},
    )
    await queue(pg_pool, "k:escalation")
    dispatcher = make_dispatcher()

    early = await dispatcher.run_once()
    deferred = {r["idempotency_key"]: r for r in await outbox_rows(pg_pool)}["k:reminder"]
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    on_time = await dispatcher.run_once()

    assert (early.delivered, early.count("deferred")) == (1, 1)
    assert deferred["not_before"] == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert deferred["attempts"] == 0  # waiting is not a failed attempt
    assert on_time.delivered == 1
    assert sink.message_ids() == [message_id_for("k:escalation"), message_id_for("k:reminder")]


async def test_the_dispatcher_loop_delivers_what_is_queued_and_stops_when_asked(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    await add_people(pg_pool, person("coord-1"))
    stop = asyncio.Event()
    dispatcher = make_dispatcher(policy=DispatchPolicy(interval=timedelta(milliseconds=50)))
    running = asyncio.create_task(dispatcher.run_forever(stop))

    await queue(pg_pool, "k:loop")
    await wait_for(lambda: len(sink.message_ids()) == 1, within=10, what="the queued mail")
    stop.set()
    await asyncio.wait_for(running, timeout=5)

    assert sink.message_ids() == [message_id_for("k:loop")]


async def test_a_notice_with_sealed_words_is_delivered_without_them(
    pg_pool: Pool, sink: Sink, make_dispatcher: DispatcherFactory
) -> None:
    # A participant's words in a coordinator notice are sealed with their key, which the
    # dispatcher does not hold (and which erasure may have deleted): the mail goes out anyway,
    # and shows neither the words nor the sealed token.
    token = f"sealed:v1:t:{'ab' * 32}:{'Zm9v' * 12}"
    await add_people(pg_pool, person("coord-1"))
    await queue(
        pg_pool,
        f"{RELATIONSHIP_ID}:checkin:2:mentor:tension:coordinator",
        template="tension_flagged",
        data={
            "relationship_id": RELATIONSHIP_ID,
            "round_number": 2,
            "raised_by": "mentor",
            "private_note": token,
        },
    )

    report = await make_dispatcher().run_once()

    assert report.delivered == 1
    [entry] = sink.store.entries()
    mail = sink.store.read(entry).as_string()
    assert "sealed:v1:" not in mail
    assert "A participant flagged a tension" in mail
