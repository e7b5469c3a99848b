"""Escalation cases of a running relationship come from its recorded events alone."""

from __future__ import annotations

import asyncio
import time

from temporalio.client import WorkflowHistory

from simulation.personas import Persona
from tests.workflows.conftest import Harness
from workflows.recording import ESCALATIONS_PROJECTED


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

    # The activity writes the rows above; the workflow asks for the patch only once it has the
    # activity's result, in the next workflow task: wait for that task, with a bound.
    histories = await _once_marked(harness, handle.id)
    scheduled = {
        e.activity_task_scheduled_event_attributes.activity_type.name
        for history in histories
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    }
    # Events are recorded by a local activity (a marker); no escalation activity is scheduled.
    assert not scheduled & {"open_escalation", "update_escalation"}


async def _once_marked(
    harness: Harness, workflow_id: str, within_seconds: float = 10
) -> list[WorkflowHistory]:
    deadline = time.monotonic() + within_seconds
    while True:
        histories = await _every_run(harness, workflow_id)
        if any(_has_marker(history, ESCALATIONS_PROJECTED) for history in histories):
            return histories
        if time.monotonic() > deadline:
            raise AssertionError(f"no {ESCALATIONS_PROJECTED} marker within {within_seconds}s")
        await asyncio.sleep(0.05)


def _has_marker(history: WorkflowHistory, patch_id: str) -> bool:
    return any(
        patch_id.encode() in bytes(e.marker_recorded_event_attributes.SerializeToString())
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
    )


async def _every_run(harness: Harness, workflow_id: str) -> list[WorkflowHistory]:
    """The histories of every run, newest first: the escalation may have opened in a run that
    has since continued as new."""
    histories = []
    run_id: str | None = None
    while True:
        handle = harness.env.client.get_workflow_handle(workflow_id, run_id=run_id)
        history = await handle.fetch_history()
        histories.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return histories
        run_id = started.continued_execution_run_id
