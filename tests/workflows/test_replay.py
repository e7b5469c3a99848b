"""Every committed history replays against today's workflow code without non-determinism.

Histories are recorded by the lifecycle tests with `TWOWAY_RECORD_HISTORIES=1`; a change that
alters the commands of an existing path must be guarded with `workflow.patched` so these pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from twoway.temporal_client import sandbox_runner
from workflows import ALL_WORKFLOWS

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_of_every_path_are_committed() -> None:
    names = {path.stem for path in HISTORIES}
    assert {"completed", "ghosting_ended", "tension_resolved", "mutual", "declined"} <= names


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
