"""The two processes as `twoway up` runs them: a dispatcher killed mid-batch, the mail sink."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import IO

import aiosmtplib
import pytest
import pytest_asyncio
from aiosmtpd.smtp import SMTP, Envelope, Session
from typer.testing import CliRunner

from cli.mail import mail_app
from delivery.email import message_id_for
from delivery.mailsink import MailStore, SinkHandler, sink_answers
from localstack.ports import free_port
from store.database import Pool
from tests.delivery.conftest import (
    Clock,
    DispatcherFactory,
    Sink,
    _serve,
    add_people,
    person,
    queue,
    wait_for,
)


class StallingSink(SinkHandler):
    """Keeps message ``stall_at`` but never answers it: the sender cannot know it arrived.

    That is exactly the window between the server's acceptance and the dispatcher's mark.
    """

    def __init__(self, store: MailStore, stall_at: int) -> None:
        super().__init__(store)
        self.stall_at = stall_at
        self.seen = 0
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        self.seen += 1
        if self.seen == self.stall_at:
            self.stalled.set()
            await self.release.wait()
        return reply


@pytest_asyncio.fixture(loop_scope="session")
async def stalling_sink(tmp_path: Path) -> AsyncIterator[tuple[Sink, StallingSink]]:
    handler = StallingSink(MailStore(tmp_path / "stalling"), stall_at=3)
    async for running in _serve(handler):
        yield running, handler
        handler.release.set()


def process_env(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    env.update({"TWOWAY_HOME": str(home), "TWOWAY_LOG_LEVEL": "WARNING", **settings})
    return env


def start(args: list[str], env: dict[str, str], log: IO[bytes] | None) -> subprocess.Popen[bytes]:
    # Popen returns at once (it does not wait for the child), so it is fine in a coroutine.
    return subprocess.Popen([sys.executable, *args], env=env, stdout=log, stderr=log)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def test_a_dispatcher_killed_mid_batch_still_delivers_each_message_exactly_once(
    pg_pool: Pool,
    database_url: str,
    stalling_sink: tuple[Sink, StallingSink],
    make_dispatcher: DispatcherFactory,
    processes: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    sink, handler = stalling_sink
    await add_people(pg_pool, person("coord-1"))
    keys = [f"rel-deliv-1:esc-{n}:opened:coordinator" for n in range(5)]
    for key in keys:
        await queue(pg_pool, key)
    env = process_env(
        tmp_path / "home",
        TWOWAY_DATABASE_URL=database_url,
        TWOWAY_SMTP_HOST="127.0.0.1",
        TWOWAY_SMTP_PORT=str(sink.port),
        TWOWAY_DISPATCH_INTERVAL_SECONDS="0.2",
    )
    with (tmp_path / "dispatcher.log").open("wb") as log:
        dispatcher = start(["-m", "delivery.dispatcher"], env, log)
    processes.append(dispatcher)

    # Message 3 is in the sink but its 250 never reaches the dispatcher: kill it right there.
    await wait_for(handler.stalled.is_set, within=60, what="the third message to arrive")
    dispatcher.send_signal(signal.SIGKILL)
    await asyncio.to_thread(dispatcher.wait, 10)
    async with pg_pool.acquire() as conn:
        delivered = await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL"
        )
    # After the dead dispatcher's lease, a fresh one takes over the in-doubt and unsent rows.
    later = Clock(datetime.now(UTC) + timedelta(seconds=301))
    rescuer = make_dispatcher(port=sink.port)
    rescuer._clock = later
    report = await rescuer.run_once()

    assert delivered == 2
    assert report.delivered == 3
    assert sorted(sink.message_ids()) == sorted(message_id_for(k) for k in keys)
    assert handler.duplicates == 1  # message 3 was sent twice and kept once
    async with pg_pool.acquire() as conn:
        attempts = await conn.fetchval(
            "SELECT attempts FROM outbox WHERE idempotency_key = $1", keys[2]
        )
        undelivered = await conn.fetchval("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
    assert (attempts, undelivered) == (2, 0)


async def test_the_mail_sink_process_keeps_one_copy_per_message_id_and_twoway_mail_shows_it(
    processes: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port = free_port()
    home = tmp_path / "home"
    env = process_env(home, TWOWAY_SMTP_PORT=str(port))
    processes.append(start(["-m", "delivery.mailsink"], env, None))
    await wait_for(lambda: sink_answers("127.0.0.1", port), within=30, what="the sink to answer")
    message = EmailMessage()
    message["Message-ID"] = message_id_for("k:1")
    message["From"] = "twoway@example.test"
    message["To"] = "Ada <ada@example.test>"
    message["Subject"] = "Your private mentoring check-in"
    message.set_content("How are things going?")

    for _ in range(2):
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port, start_tls=False)
    processes[0].send_signal(signal.SIGTERM)
    exit_code = await asyncio.to_thread(processes[0].wait, 10)

    runner = CliRunner(env={"TWOWAY_HOME": str(home), "COLUMNS": "200"})
    listed = runner.invoke(mail_app, ["list"])
    shown = runner.invoke(mail_app, ["show", "1"])
    by_id = runner.invoke(mail_app, ["show", message_id_for("k:1")])
    missing = runner.invoke(mail_app, ["show", "2"])
    assert exit_code == 0
    assert len(MailStore(home / "mail").entries()) == 1
    assert "Your private mentoring check-in" in listed.output
    assert "How are things going?" in shown.output
    assert shown.output == by_id.output
    assert missing.exit_code == 1
