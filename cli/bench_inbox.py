"""A burst of answers posted to the inbox at once, through the real web app (in process).

Lives with the CLI, the one part allowed to start the web app; `twoway bench stack` hands it to
the stack measurement, which has the open relationships to answer.

Each of `answers` mentors posts the consent form behind their signed link at the same moment,
as after a programme-wide mail; a tenth post the same form twice (a browser resend). The
figure is the wall time until every post has its page, and each answer must be applied once.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from delivery.links import LinkSigner
from localstack.bench.stack import InboxBurst, StackParts
from store.database import Pool
from twoway.codec import EncryptionCodec, Keyring
from twoway.credentials import Credentials
from twoway.settings import Settings
from web.app import create_app
from web.services import WebServices

REPEAT_EVERY = 10
# Queueing under the burst makes single requests slow; the bound only stops a hang.
REQUEST_TIMEOUT = 300.0


def _app(parts: StackParts, signer: LinkSigner) -> httpx.AsyncClient:
    services = WebServices(
        settings=Settings(home=parts.home),
        client=parts.client,
        pool=parts.pool,
        signer=signer,
        credentials=Credentials(api_keys={}, operator_token=uuid.uuid4().hex),
        codec=EncryptionCodec(Keyring.generate("bench-web")),
        sealer=parts.sealer,
    )
    app = create_app(services.settings, services=services)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=REQUEST_TIMEOUT)


async def post_answers_at_once(parts: StackParts, pairs: dict[int, str]) -> InboxBurst:
    """`pairs`: pair number -> relationship id, each with its mentor's consent still open."""
    signer = LinkSigner(secret=uuid.uuid4().bytes * 2, ttl=timedelta(days=1))
    now = datetime.now(UTC)
    latencies: list[float] = []
    busy = 0

    async def answer(web: httpx.AsyncClient, number: int, relationship_id: str) -> None:
        nonlocal busy
        token = signer.make(f"m{number}", now)
        path = f"/inbox/{token}/relationships/{relationship_id}/prompts/consent%3Amentor"
        form = {"decision": "accept", "answer_id": f"web-{uuid.uuid4().hex}"}
        sent = time.perf_counter()
        page = await web.post(path, data=form)
        while page.status_code == 503:
            # "Not confirmed yet, please send it again": the person does, with the same form.
            busy += 1
            page = await web.post(path, data=form)
        latencies.append(time.perf_counter() - sent)
        if page.status_code != 200:
            raise RuntimeError(f"inbox answer refused with {page.status_code}")
        if number % REPEAT_EVERY == 0:
            await web.post(path, data=form)

    async with _app(parts, signer) as web:
        # A running web service has served pages before: the app builds its routes' handlers
        # on the first request that reaches them (over a second for the whole app), which a
        # fresh app would otherwise charge to the burst.
        first = next(iter(pairs))
        await web.get(f"/inbox/{signer.make(f'm{first}', now)}")
        began = time.perf_counter()
        await asyncio.gather(*(answer(web, n, rid) for n, rid in pairs.items()))
        seconds = time.perf_counter() - began
    ordered = sorted(latencies)
    return InboxBurst(
        answers=len(pairs),
        seconds=round(seconds, 2),
        p50_ms=round(ordered[len(ordered) // 2] * 1000, 1),
        p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        busy_pages=busy,
        applied_once=await _applied_once(parts.pool, list(pairs.values())),
    )


async def _applied_once(pool: Pool, relationship_ids: list[str], within: float = 180) -> bool:
    """Every answer's event is stored exactly once (they land after the replies, so wait)."""
    deadline = time.monotonic() + within
    while True:
        rows = await pool.fetch(
            "SELECT stream_id, count(*) AS n FROM events WHERE event_type = 'match_accepted'"
            " AND stream_id = ANY($1::text[]) GROUP BY stream_id",
            relationship_ids,
        )
        if any(row["n"] > 1 for row in rows):
            return False
        if len(rows) == len(relationship_ids):
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.5)
