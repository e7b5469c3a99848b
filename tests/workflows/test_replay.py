"""Every committed history replays against today's workflow code without non-determinism.

Histories are recorded by the lifecycle tests with `TWOWAY_RECORD_HISTORIES=1`; a change that
alters the commands of an existing path must be guarded with `workflow.patched` so these pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from twoway.temporal_client import sandbox_runner
from workflows.registry import ALL_WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))

# One history per path through the workflows; a missing one is recorded by running its test
# with TWOWAY_RECORD_HISTORIES=1 (recording never overwrites a committed history).
REQUIRED_HISTORIES = frozenset(
    {
        # relationship paths
        "completed",
        "declined",
        "ghosting_ended",
        "tension_resolved",
        "mutual",
        "participant_left",
        "hierarchy_conflict",
        "paused_resumed",
        "leave",
        "renewal",
        # one of the pair acts between prompts: pause, move a meeting, raise a concern
        "participant_actions",
        # both runs around a continue-as-new
        "continue_as_new_first_run",
        "continue_as_new_next_run",
        # events recorded by a local activity inside the workflow task (record-events-local)
        "completed_recorded_locally",
        # a lost task's stored events adopted, the request recognised as done (local recording)
        "adopted_lost_task",
        # one timer per next due time, kept while that time stays (steady-due-timer)
        "completed_steady_timer",
        # every escalation resolution
        "resolution_continue",
        "resolution_amend_contract",
        "resolution_pause",
        "resolution_end_without_fault",
        "resolution_rematch",
        # liveness endings: overdue to the owner and past the last notice, a pause too long
        "escalation_unresolved",
        "pause_limit_reached",
        # a programme from creation through approval, a rematch and close-out, and its pairs
        # (started by the programme, so they signal it when they close)
        "programme_lifecycle",
        "programme_pair_declined",
        "programme_pair_wound_down",
    }
)


def test_histories_of_every_path_are_committed() -> None:
    missing = REQUIRED_HISTORIES - {path.stem for path in HISTORIES}
    assert not missing, f"record these histories: {sorted(missing)}"


def test_a_programme_history_is_committed() -> None:
    workflow_types = {
        json.loads(path.read_text())["events"][0]["workflowExecutionStartedEventAttributes"][
            "workflowType"
        ]["name"]
        for path in HISTORIES
    }
    assert {"Relationship", "Programme"} <= workflow_types


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_committed_history_replays_deterministically(
    path: Path, data_converter: DataConverter
) -> None:
    replayer = Replayer(
        workflows=list(ALL_WORKFLOWS),
        data_converter=data_converter,
        workflow_runner=sandbox_runner(),
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    await replayer.replay_workflow(history)
