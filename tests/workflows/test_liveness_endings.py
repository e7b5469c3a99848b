"""Relationships that nobody moves still end: the deadlines behind liveness, on real workflows.

Each test also keeps its history, so the replay test covers every ending and every
escalation resolution (see `test_replay.REQUIRED_HISTORIES`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.commands import (
    OpenEscalation,
    PauseRelationship,
    RecordLeaveEnded,
    RecordLeaveStarted,
    Resolution,
    ResolveEscalation,
)
from domain.state import Phase
from simulation.personas import Persona
from starter import RelationshipHandle
from tests.workflows.conftest import MENTOR, Harness
from workflows.relationship import RelationshipWorkflow


async def active_pair(harness: Harness, history: str) -> RelationshipHandle:
    handle = await harness.start_pair()
    harness.keep_history(handle, history)
    driver = harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.phase == Phase.ACTIVE)
    return handle


async def test_an_escalation_nobody_answers_reaches_the_owner_and_then_ends(
    harness: Harness,
) -> None:
    handle = await active_pair(harness, "escalation_unresolved")
    await handle.execute_update(RelationshipWorkflow.coordinator_action, OpenEscalation())

    outcome = await handle.result()

    assert outcome.phase == Phase.ENDED_EARLY
    assert outcome.end_reason == "escalation_unresolved"
    cases = await harness.pool.fetch(
        "SELECT level, status FROM escalations WHERE relationship_id = $1", handle.id
    )
    assert [(row["level"], row["status"]) for row in cases] == [(3, "resolved")]
    # Each mail to the owner shows a deadline still ahead: the last notice's is its own.
    mails = await harness.pool.fetch(
        "SELECT data FROM outbox WHERE relationship_id = $1 AND template = 'escalation_overdue'"
        " AND recipient_role = 'owner' ORDER BY id",
        handle.id,
    )
    deadlines = [row["data"]["respond_by"] for row in mails]
    assert len(deadlines) == 2
    assert deadlines[0] < deadlines[1]


async def test_a_pause_nobody_ends_reminds_the_coordinator_then_ends(harness: Harness) -> None:
    handle = await active_pair(harness, "pause_limit_reached")
    await handle.execute_update(
        RelationshipWorkflow.coordinator_action, PauseRelationship(reason="sabbatical")
    )

    outcome = await handle.result()

    assert outcome.phase == Phase.ENDED_EARLY
    assert outcome.end_reason == "pause_limit_reached"
    reminders = await harness.pool.fetch(
        "SELECT recipient_role FROM outbox"
        " WHERE relationship_id = $1 AND template = 'pause_reminder'",
        handle.id,
    )
    assert reminders
    assert {row["recipient_role"] for row in reminders} == {"coordinator"}


async def test_leave_pauses_the_pair_and_its_end_resumes_it(harness: Harness) -> None:
    handle = await active_pair(harness, "leave")
    await handle.signal(RelationshipWorkflow.hr_event, RecordLeaveStarted(participant_id=MENTOR))
    await harness.env.sleep(timedelta(days=20))
    state = await handle.query(RelationshipWorkflow.state)
    assert state.phase == Phase.PAUSED

    await handle.signal(RelationshipWorkflow.hr_event, RecordLeaveEnded(participant_id=MENTOR))
    result = await harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED).run(
        stop_when=lambda s: s.phase == Phase.ACTIVE and s.pending_meeting is not None
    )
    assert result.state.on_leave == ()


async def test_a_pair_that_wants_more_renews_for_a_new_term(harness: Harness) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "renewal")
    driver = harness.driver(handle, Persona.RENEWING, Persona.RENEWING)

    result = await driver.run(stop_when=lambda state: state.term_number == 2)

    assert result.state.phase == Phase.CONTRACTING
    assert len(result.state.recognitions) == 2


@pytest.mark.parametrize(
    ("resolution", "phase"),
    [
        ("continue", Phase.ACTIVE),
        ("amend_contract", Phase.CONTRACTING),
        ("pause", Phase.PAUSED),
        ("end_without_fault", Phase.ENDED_EARLY),
        ("rematch", Phase.ENDED_EARLY),
    ],
)
async def test_every_escalation_resolution_takes_the_pair_where_it_says(
    harness: Harness, resolution: Resolution, phase: Phase
) -> None:
    handle = await active_pair(harness, f"resolution_{resolution}")
    await handle.execute_update(RelationshipWorkflow.coordinator_action, OpenEscalation())

    receipt = await handle.execute_update(
        RelationshipWorkflow.coordinator_action, ResolveEscalation(resolution=resolution)
    )

    assert receipt.phase == phase.value
    assert not receipt.escalation_open
    if phase == Phase.ENDED_EARLY:
        outcome = await handle.result()
        assert outcome.rematch_requested == (resolution == "rematch")
