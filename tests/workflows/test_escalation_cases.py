"""Escalation cases of a running relationship come from its recorded events alone."""

from __future__ import annotations

from simulation.personas import Persona
from tests.workflows.conftest import Harness
from workflows.relationship import ESCALATIONS_PROJECTED


async def test_a_new_escalation_is_projected_and_announced_without_activities_of_its_own(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    driver = harness.driver(handle, Persona.TENSE, Persona.ENGAGED)
    await driver.run(stop_when=lambda state: state.escalation_open)

    case = await harness.wait_for_row(
        "SELECT escalation_key, assigned_to, status FROM escalations WHERE relationship_id = $1",
        handle.id,
    )
    notice = await harness.wait_for_row(
        "SELECT recipient_id, template FROM outbox WHERE idempotency_key = $1",
        f"{case['escalation_key']}:opened",
    )
    assert (case["assigned_to"], case["status"]) == ("coord-1", "open")
    assert (notice["recipient_id"], notice["template"]) == ("coord-1", "escalation_opened")

    history = await handle.fetch_history()
    scheduled = {
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    }
    assert scheduled == {"record_events"}
    markers = [
        e.marker_recorded_event_attributes
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
    ]
    assert any(ESCALATIONS_PROJECTED.encode() in bytes(m.SerializeToString()) for m in markers)
