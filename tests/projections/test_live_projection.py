"""Real relationships on the time-skipping server: the live read tables and a rebuild agree."""

from __future__ import annotations

import asyncio

from domain.commands import ResolveEscalation
from domain.state import Phase
from projections.queries import pending_prompts_for
from projections.rebuild import rebuild_read_models
from projections.rows import PendingPromptRow
from services.pairs import PairRequest, RelationshipHandle, start_relationship
from simulation.driver import Driver
from simulation.personas import Persona
from store.database import Connection
from tests.projections.builders import read_tables
from tests.workflows.conftest import Harness
from workflows.relationship import RelationshipWorkflow


async def _start(harness: Harness, n: int) -> RelationshipHandle:
    request = PairRequest(
        programme_id=f"prog-{harness.task_queue[-12:]}",
        mentor_id=f"emp-junior-{n}",
        mentee_id=f"emp-senior-{n}",
        coordinator_id="coord-1",
        owner_id="owner-1",
    )
    handle = await start_relationship(harness.client, request, task_queue=harness.task_queue)
    harness.started.append(handle)
    return handle


def _driver(harness: Harness, handle: RelationshipHandle, n: int, mentor: Persona) -> Driver:
    return Driver(
        handle=handle,
        personas={f"emp-junior-{n}": mentor, f"emp-senior-{n}": Persona.ENGAGED},
        advance=harness.env.sleep,
        clock=harness.env.get_current_time,
    )


async def test_live_read_tables_equal_a_rebuild_from_the_events(harness: Harness) -> None:
    # One after the other: the time-skipping server misbehaves with concurrent drivers.
    for n, persona in enumerate((Persona.ENGAGED, Persona.MUTUAL), start=1):
        driven = await _driver(harness, await _start(harness, n), n, persona).run()
        assert driven.outcome is not None
        assert driven.outcome.phase == Phase.COMPLETED
    tense = await _start(harness, 3)
    await _driver(harness, tense, 3, Persona.TENSE).run(stop_when=lambda s: s.escalation_open)
    await tense.execute_update(
        RelationshipWorkflow.coordinator_action, ResolveEscalation(resolution="continue")
    )
    # To the end, so that every batch is recorded before the tables are compared.
    assert (await _driver(harness, tense, 3, Persona.TENSE).run()).outcome is not None
    live = await read_tables(harness.pool)

    async with harness.pool.acquire() as conn:
        rebuilt = await rebuild_read_models(conn, batch_size=2)

    assert rebuilt.projected == 3
    assert await read_tables(harness.pool) == live
    assert [row["phase"] for row in live["relationships"]] == ["completed"] * 3
    modes = sorted(str(row["mode"]) for row in live["relationships"])
    assert modes == ["mutual", "reverse", "reverse"]
    assert {row["role"] for row in live["checkin_answers"]} == {"mentor", "mentee"}
    assert len(live["closing_reflections"]) == 6
    evolved = [row for row in live["relationships"] if row["became_mutual_at"] is not None]
    assert [(row["initial_mode"], row["mode"]) for row in evolved] == [("reverse", "mutual")]


async def test_the_inbox_lists_prompts_while_open_and_drops_them_once_answered(
    harness: Harness,
) -> None:
    handle = await _start(harness, 1)
    async with harness.pool.acquire() as conn:
        inbox = await _wait_for_prompts(conn, "emp-junior-1")
    assert [(p.relationship_id, p.kind) for p in inbox] == [(handle.id, "consent")]

    result = await _driver(harness, handle, 1, Persona.ENGAGED).run()

    assert result.outcome is not None
    async with harness.pool.acquire() as conn:
        assert await pending_prompts_for(conn, "emp-junior-1") == []
        assert await pending_prompts_for(conn, "emp-senior-1") == []


async def _wait_for_prompts(conn: Connection, recipient_id: str) -> list[PendingPromptRow]:
    # The first batch is recorded by an activity shortly after the start returns.
    for _ in range(100):
        inbox = await pending_prompts_for(conn, recipient_id)
        if inbox:
            return inbox
        await asyncio.sleep(0.05)
    raise AssertionError("no prompt reached the inbox")
