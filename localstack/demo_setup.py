"""The demo programme: a bundled fictional roster, matched and approved like a real one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from temporalio.client import Client

from domain.policy import RelationshipPolicy
from domain.programme import PairRecord, Programme, ProgrammeTerm
from roster.parse import parse_file
from services import programmes
from services.programmes import ProgrammeHandle
from store.database import Pool
from workflows.programme import ProgramWorkflow
from workflows.programme_io import ProgrammeStatus

COORDINATOR = "demo-coordinator"
OWNER = "demo-owner"
STEP_TIMEOUT = 120.0


def demo_roster() -> Path:
    return Path(str(resources.files("localstack") / "data" / "demo_roster.csv"))


def demo_programme(now: datetime) -> Programme:
    """A fresh programme id per run, so every demo starts from proposals."""
    return Programme(
        programme_id=f"demo-{now:%Y%m%d-%H%M%S}",
        name="Reverse mentoring demo",
        objectives=("Leaders fluent in the tools their teams use",),
        focus_areas=("digital ways of working", "social media", "generative AI"),
        term=ProgrammeTerm(starts_on=now.date(), ends_on=now.date() + timedelta(days=1)),
        relationship_policy=RelationshipPolicy.demo(),
        coordinator_ids=(COORDINATOR,),
        owner_id=OWNER,
        approval_required=True,
        digest_interval=timedelta(minutes=2),
        rematch_delay=timedelta(seconds=20),
    )


async def enrol_demo_people(pool: Pool, programme_id: str) -> list[str]:
    """Import the bundled roster; demo people read mail round the clock, so nothing waits."""
    parsed = parse_file(demo_roster())
    async with pool.acquire() as conn:
        await programmes.enrol_roster(conn, programme_id, parsed, skip_invalid=False)
        ids = [entry.employee_id for _, entry in parsed.entries]
        await conn.execute(
            "UPDATE people SET working_hours_start = '00:00', working_hours_end = '23:59:59',"
            " working_days = '{1,2,3,4,5,6,7}' WHERE person_id = ANY($1::text[])",
            ids,
        )
    return ids


async def start_and_approve(
    client: Client, programme: Programme, task_queue: str
) -> list[PairRecord]:
    """Start the programme, wait for its proposal, approve it, wait for the pairs to start."""
    # Created like any programme; an existing one of that id (a rerun) is simply reused.
    await programmes.create_programme(client, task_queue, programme, match_now=True)
    handle = programmes.programme_handle(client, programme.programme_id)
    status = await _wait_for(handle, lambda s: s.phase == "awaiting_approval")
    # Approval is confirmed by the pairs starting, below.
    await programmes.review_proposal(
        handle,
        review_id="demo-approval",
        proposal_version=status.proposal_version or 1,
        overrides=(),
        approve=True,
    )
    await _wait_for(handle, lambda s: s.relationships_started >= s.relationships_approved > 0)
    return await handle.query(ProgramWorkflow.pairs)


async def _wait_for(
    handle: ProgrammeHandle, done: Callable[[ProgrammeStatus], bool]
) -> ProgrammeStatus:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        status = await programmes.programme_status(handle)
        if done(status):
            return status
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the demo programme did not get there in {STEP_TIMEOUT:.0f}s")
