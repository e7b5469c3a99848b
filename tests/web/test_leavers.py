"""Every HR leaver event is kept, with or without a pair, and the programme report compares the
retention of enrolled people with the rest of the roster (through the real web app and CLI)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime

import httpx
from temporalio.client import Client

from services.erasure import erase_person
from store.database import Pool
from tests.web.conftest import wait_for
from tests.web.pairs import MENTOR, handle_of, start_pair
from tests.web.stack import ThreadedStack
from tests.web.test_programmes import ROSTER as ENROLLED_ROSTER
from tests.web.test_programmes import csv_upload, programme_body
from workflows.relationship import RelationshipWorkflow


async def put_people(api: httpx.AsyncClient, ids: list[str]) -> None:
    for person_id in ids:
        entry = {"display_name": f"Pat {person_id}", "email": f"{person_id}@example.org"}
        assert (await api.put(f"/api/v1/people/{person_id}", json=entry)).status_code == 200


async def left_on(pool: Pool, person_id: str) -> str | None:
    async with pool.acquire() as conn:
        day = await conn.fetchval("SELECT left_on FROM leavers WHERE person_id = $1", person_id)
    return None if day is None else day.isoformat()


async def test_a_leaver_without_a_pair_is_recorded_and_counted_against_the_enrolled(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    assert (await api.post("/api/v1/programmes", json=programme_body(programme))).status_code == 201
    imported = await api.post(
        f"/api/v1/programmes/{programme}/roster", files=csv_upload(ENROLLED_ROSTER)
    )
    assert imported.status_code == 200, imported.text
    rest = [f"staff-{uuid.uuid4().hex[:8]}" for _ in range(6)]
    await put_people(api, rest)

    # Nobody here has a pair: the events reach no relationship, and are kept all the same.
    during = await api.post(
        "/api/v1/hr-events",
        json={"employee_id": rest[0], "type": "participant_left", "left_on": "2026-03-01"},
    )
    assert during.status_code == 202, during.text
    assert during.json()["relationship_ids"] == []
    assert during.json()["left_on"] == "2026-03-01"
    today = await api.post(
        "/api/v1/hr-events", json={"employee_id": rest[1], "type": "participant_left"}
    )
    assert today.json()["left_on"] == datetime.now(UTC).date().isoformat()
    assert await left_on(web_pool, rest[0]) == "2026-03-01"

    report = await api.get(f"/api/v1/programmes/{programme}/report")
    assert report.status_code == 200, report.text
    retention = report.json()["retention"]
    assert (retention["starts_on"], retention["ends_on"]) == ("2026-01-05", "2030-06-30")
    assert retention["programme_ended"] is False
    enrolled, others = retention["enrolled"], retention["not_enrolled"]
    assert (enrolled["people"], enrolled["left_during"]) == (12, 0)
    assert others["people"] >= 6  # this module's directory holds other tests' people too
    assert others["left_during"] >= 2

    # A leaving day belongs to a leaver event only.
    misplaced = await api.post(
        "/api/v1/hr-events",
        json={"employee_id": rest[2], "type": "leave_started", "left_on": "2026-03-01"},
    )
    assert misplaced.status_code == 422
    # A leave, not a departure, records nothing.
    leave = await api.post(
        "/api/v1/hr-events", json={"employee_id": rest[2], "type": "leave_started"}
    )
    assert leave.status_code == 202
    assert await left_on(web_pool, rest[2]) is None


async def test_twoway_hr_left_records_the_day_and_ends_the_open_pair(
    api: httpx.AsyncClient,
    programme: str,
    web_stack: ThreadedStack,
    web_pool: Pool,
    client: Client,
) -> None:
    relationship_id = await start_pair(api, programme)
    settings = web_stack.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    env.update(
        TWOWAY_HOME=str(settings.home_dir),
        TWOWAY_DATABASE_URL=str(settings.database_url),
        TWOWAY_TEMPORAL_ADDRESS=str(settings.temporal_address),
        TWOWAY_NAMESPACE=settings.namespace,
        TWOWAY_TASK_QUEUE=settings.task_queue,
        TWOWAY_ENCRYPTION_KEYS=settings.encryption_keys.get_secret_value()
        if settings.encryption_keys
        else "",
        TWOWAY_LOG_LEVEL="WARNING",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "hr", "left", MENTOR, "--on", "2026-04-01",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == 0, stderr.decode()
    assert relationship_id in stdout.decode().split()
    assert await left_on(web_pool, MENTOR) == "2026-04-01"

    async def ended() -> bool:
        state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
        return state.end_reason == "participant_left"

    await wait_for(ended, within=60, what="the pair to end for its leaver")


async def test_erasing_a_leaver_deletes_the_day_they_left(
    api: httpx.AsyncClient, web_pool: Pool, client: Client
) -> None:
    person = f"gone-{uuid.uuid4().hex[:8]}"
    sent = await api.post(
        "/api/v1/hr-events",
        json={"employee_id": person, "type": "participant_left", "left_on": "2026-02-01"},
    )
    assert sent.status_code == 202, sent.text
    async with web_pool.acquire() as conn:
        # Known only as a leaver (never in the directory), they can still be erased.
        report = await erase_person(conn, client, None, person)
    assert report.rows["leavers"] == 1
    assert await left_on(web_pool, person) is None
