"""Workflow and activity logs come out through the one structlog pipeline, as JSON."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.platform.logging_workflow import LoggingWorkflow
from twoway.logging import configure_logging, get_logger


@activity.defn(name="say_hello")
async def say_hello() -> str:
    get_logger("tests.activity").info("activity ran")
    return "hello"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    yield stream
    logging.getLogger().handlers.clear()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


async def test_workflow_and_activity_logs_are_json_with_temporal_context(
    dev_server_env: WorkflowEnvironment, log_stream: io.StringIO
) -> None:
    task_queue = f"log-{uuid.uuid4()}"
    async with Worker(
        dev_server_env.client,
        task_queue=task_queue,
        workflows=[LoggingWorkflow],
        activities=[say_hello],
    ):
        await dev_server_env.client.execute_workflow(
            LoggingWorkflow.run, id=task_queue, task_queue=task_queue
        )
    records = lines(log_stream)
    from_workflow = [r for r in records if str(r.get("event", "")).startswith("workflow ran")]
    from_activity = [r for r in records if r.get("event") == "activity ran"]
    assert from_workflow, records
    assert from_activity, records
    assert from_activity[0]["workflow_id"] == task_queue
    assert from_activity[0]["activity"] == "say_hello"
    assert from_workflow[0]["level"] == "info"
