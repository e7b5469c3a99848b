"""Many open relationships and a burst of concurrent answers, all through HTTP on a real
`twoway up` (dev server, PostgreSQL, worker, web app, dispatcher and mail sink as processes).

HR starts every pair with `POST /api/v1/pairs`; each mentor answers the consent prompt by
posting the inbox form behind their signed link, all at once. Every answer must be applied
exactly once, including the ones posted twice (a browser resend with the same form id).
Throughput and latency are printed (run with -s) and documented in docs/reliability.md.

The suite runs half the documented figure; the full one is
`TWOWAY_LOAD_OPEN=2000 TWOWAY_LOAD_ANSWERS=1000 .venv/bin/pytest tests/reliability/test_load.py -s`.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from delivery.links import LinkSigner, signer_from_settings
from store.database import Pool, create_pool
from tests.reliability.stack_faults import (
    LiveStack,
    assert_logs_hold_no_personal_data,
    bounded_by,
    connect_stack,
    running_stack,
)

OPEN_RELATIONSHIPS = int(os.environ.get("TWOWAY_LOAD_OPEN", "1000"))
ANSWERS = int(os.environ.get("TWOWAY_LOAD_ANSWERS", "500"))
# Every tenth answer is posted twice with the same form id, as a browser resend would.
REPEAT_EVERY = 10
START_CONCURRENCY = 50
# A person sends a form again when the page says the service was too busy to confirm it.
RESENDS_ALLOWED = 3
# Queueing under the burst makes single requests slow; the bound only stops a hang.
REQUEST_TIMEOUT = 300.0
SETTLE_TIMEOUT = 180.0
PROGRAMME = "load"
pytestmark = [pytest.mark.e2e, bounded_by(REQUEST_TIMEOUT, SETTLE_TIMEOUT)]


@dataclass
class Measured:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    # Requests sent again after a 503 (busy) page.
    resends: int = 0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self, count: int, what: str) -> str:
        return (
            f"{count} {what} in {self.seconds:.1f} s ({count / self.seconds:.0f}/s),"
            f" p50 {self.percentile(0.5) * 1000:.0f} ms, p99 {self.percentile(0.99) * 1000:.0f} ms"
        )


async def test_answers_through_the_inbox_over_many_open_relationships_apply_exactly_once(
    tmp_path: Path,
) -> None:
    cache = str(OPEN_RELATIONSHIPS + 100)
    with running_stack(tmp_path / "home", max_cached_workflows=cache) as running:
        stack = await connect_stack(running)
        api_key = stack.settings.api_key_file.read_text().strip()
        limits = httpx.Limits(max_connections=ANSWERS * 2, max_keepalive_connections=100)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{stack.settings.web_port}",
            timeout=REQUEST_TIMEOUT,
            limits=limits,
        ) as web:
            starts, relationship_ids = await _start_pairs(web, api_key)
            answers = await _answer_consents(
                web, signer_from_settings(stack.settings), relationship_ids
            )
        await _check_exactly_once(stack)
        # A thousand inbox requests carried link tokens in their paths: none may reach a log.
        assert_logs_hold_no_personal_data(stack.home)
    print(
        f"\nload over HTTP: {starts.summary(OPEN_RELATIONSHIPS, 'pair starts (POST /pairs)')};"
        f" {answers.summary(ANSWERS, 'concurrent inbox answers')},"
        f" {answers.resends} sent again after a busy page"
    )


async def _start_pairs(web: httpx.AsyncClient, api_key: str) -> tuple[Measured, list[str]]:
    gate = asyncio.Semaphore(START_CONCURRENCY)
    measured = Measured()

    async def start(number: int) -> str:
        body = {
            "programme_id": PROGRAMME,
            "mentor_id": f"emp-m{number}",
            "mentee_id": f"emp-l{number}",
            "coordinator_id": "coordinator",
            "owner_id": "programme-owner",
        }
        async with gate:
            sent = time.monotonic()
            response = await web.post(
                "/api/v1/pairs", json=body, headers={"Authorization": f"Bearer {api_key}"}
            )
            measured.latencies.append(time.monotonic() - sent)
        assert response.status_code == 201, response.text
        relationship_id: str = response.json()["relationship_id"]
        return relationship_id

    began = time.monotonic()
    relationship_ids = await asyncio.gather(*(start(n) for n in range(OPEN_RELATIONSHIPS)))
    measured.seconds = time.monotonic() - began
    return measured, relationship_ids


async def _answer_consents(
    web: httpx.AsyncClient, signer: LinkSigner, relationship_ids: list[str]
) -> Measured:
    measured = Measured()
    now = datetime.now(UTC)

    async def post(path: str, form: dict[str, str]) -> httpx.Response | None:
        try:
            return await web.post(path, data=form)
        except httpx.TransportError:
            # The connection dropped under the burst: as a busy page, the person sends again.
            return None

    async def send_until_confirmed(path: str, form: dict[str, str]) -> httpx.Response:
        response = await post(path, form)
        for _ in range(RESENDS_ALLOWED):
            if response is not None and response.status_code != 503:
                break
            # "Not confirmed yet, please send it again": the person does, with the same form.
            measured.resends += 1
            response = await post(path, form)
        assert response is not None, f"{path}: the connection dropped at every send"
        return response

    async def answer(number: int) -> None:
        token = signer.make(f"emp-m{number}", now)
        path = f"/inbox/{token}/relationships/{relationship_ids[number]}/prompts/consent%3Amentor"
        form = {"decision": "accept", "answer_id": f"web-{uuid.uuid4().hex}"}
        sent = time.monotonic()
        first = await send_until_confirmed(path, form)
        measured.latencies.append(time.monotonic() - sent)
        assert first.status_code == 200, first.text
        assert "Your answer" in first.text
        if number % REPEAT_EVERY == 0:
            resent = await send_until_confirmed(path, form)
            assert resent.status_code == 200, resent.text
            assert "Your answer was already recorded." in resent.text

    began = time.monotonic()
    await asyncio.gather(*(answer(n) for n in range(ANSWERS)))
    measured.seconds = time.monotonic() - began
    return measured


async def _check_exactly_once(stack: LiveStack) -> None:
    pool = await create_pool(stack.database_url, min_size=1, max_size=1)
    try:
        await _until_every_answer_is_recorded(pool)
        accepted = await pool.fetch(
            "SELECT stream_id, count(*) AS n FROM events WHERE event_type = 'match_accepted'"
            " GROUP BY stream_id"
        )
    finally:
        await pool.close()
    assert len(accepted) == ANSWERS
    assert {row["n"] for row in accepted} == {1}


async def _until_every_answer_is_recorded(pool: Pool) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while time.monotonic() < deadline:
        recorded = await pool.fetchval(
            "SELECT count(*) FROM events WHERE event_type = 'match_accepted'"
        )
        if recorded >= ANSWERS:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"answers not all recorded within {SETTLE_TIMEOUT} s")
