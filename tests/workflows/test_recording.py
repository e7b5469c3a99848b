"""Events are recorded inside the workflow task that produced them (a local activity), in one
batch per task, and exactly once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, UpdateWorkflowExecutionLifecycleStage
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.update.v1 import UpdateRef, WaitPolicy
from temporalio.api.workflowservice.v1 import PollWorkflowExecutionUpdateRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import AnswerPrompt
from domain.prompts import ConsentAnswer
from domain.state import Phase
from services.pairs import RelationshipHandle
from simulation.personas import Persona
from store.database import create_pool
from store.event_store import read_stream
from tests.workflows.conftest import MENTEE, MENTOR, Harness
from worker import twoway_worker
from workflows.recording import RECORD_EVENTS_LOCAL_PATCH
from workflows.relationship import RelationshipWorkflow

ACTIVITY_SCHEDULED = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
MARKER = EventType.EVENT_TYPE_MARKER_RECORDED
UPDATE_ACCEPTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
# Nothing listens on port 1: connecting is refused at once, as when PostgreSQL is stopped.
UNREACHABLE_DATABASE = "postgresql://twoway@127.0.0.1:1/twoway"
ACCEPTED_STAGE = (
    UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED
)


def consent(person: str, role: str) -> AnswerPrompt:
    return AnswerPrompt(
        answer_id=f"consent-{role}",
        prompt_id=f"consent:{role}",
        respondent_id=person,
        answer=ConsentAnswer(decision="accept"),
    )


def local_activity_markers(events: Sequence[HistoryEvent]) -> list[HistoryEvent]:
    return [
        e
        for e in events
        if e.event_type == MARKER
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    ]


def local_recording_patches(events: Sequence[HistoryEvent]) -> list[HistoryEvent]:
    """The marker that switches a run to local recording, once per run."""
    return [
        e
        for e in events
        if e.event_type == MARKER
        and e.marker_recorded_event_attributes.marker_name == "core_patch"
        and RECORD_EVENTS_LOCAL_PATCH.encode() in e.SerializeToString()
    ]


async def recorded_types(harness: Harness, handle: RelationshipHandle) -> list[str]:
    rows = await harness.pool.fetch(
        "SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_version", handle.id
    )
    return [row["event_type"] for row in rows]


async def test_an_answer_is_recorded_in_its_own_workflow_task_without_an_activity_task(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    await handle.execute_update(RelationshipWorkflow.answer_prompt, consent(MENTOR, "mentor"))
    events = (await handle.fetch_history()).events

    assert not [e for e in events if e.event_type == ACTIVITY_SCHEDULED]
    # The start's events and the answer's, each batch one marker inside its workflow task.
    assert len(local_activity_markers(events)) == 2
    assert len(local_recording_patches(events)) == 1
    # The reply came after the answer's events were stored: no waiting for a later task.
    recorded = await recorded_types(harness, handle)
    assert "match_accepted" in recorded
    assert recorded[0] == "relationship_proposed"


async def test_a_whole_relationship_is_recorded_exactly_once_without_activity_tasks(
    harness: Harness,
) -> None:
    handle = await harness.start_pair()
    harness.keep_history(handle, "completed_recorded_locally")
    result = await harness.driver(handle, Persona.ENGAGED, Persona.ENGAGED).run()

    assert result.outcome is not None
    assert result.outcome.phase == Phase.COMPLETED
    async with harness.pool.acquire() as connection:
        stored = await read_stream(connection, handle.id)
    assert [event.stream_version for event in stored] == list(
        range(1, result.outcome.events_recorded + 1)
    )
    events = (await handle.fetch_history()).events
    assert not [e for e in events if e.event_type == ACTIVITY_SCHEDULED]


async def test_answers_apply_while_postgres_is_unreachable_and_land_once_it_is_back(
    harness: Harness, database_url: str
) -> None:
    # The worker's own pool, pointed away from PostgreSQL and back, as an outage would.
    pool = await create_pool(database_url, min_size=0, max_size=2)
    down = Harness(harness.env, f"down-{uuid.uuid4()}", harness.pool)
    try:
        async with twoway_worker(harness.client, pool, down.task_queue):
            handle = await down.start_pair()
            await harness.wait_for_row("SELECT 1 FROM events WHERE stream_id = $1", handle.id)
            pool.set_connect_args(dsn=UNREACHABLE_DATABASE)
            await pool.expire_connections()

            # The local attempts fail within a second; the batch goes to the regular activity,
            # which retries, and the answer is applied and acknowledged meanwhile.
            receipt = await asyncio.wait_for(
                handle.execute_update(
                    RelationshipWorkflow.answer_prompt, consent(MENTOR, "mentor")
                ),
                timeout=30,
            )
            assert not receipt.duplicate
            assert "match_accepted" not in await recorded_types(harness, handle)

            pool.set_connect_args(dsn=database_url)
            await harness.wait_for_row(
                "SELECT 1 FROM events WHERE stream_id = $1 AND event_type = 'match_accepted'",
                handle.id,
                within_seconds=60,
            )
            events = (await handle.fetch_history()).events
            await handle.terminate(reason="test finished")
    finally:
        await pool.close()
    recorded = await recorded_types(harness, handle)
    assert recorded.count("match_accepted") == 1
    assert [e for e in events if e.event_type == ACTIVITY_SCHEDULED]


async def test_answers_that_arrive_together_are_recorded_in_one_call(harness: Harness) -> None:
    # Started on a queue no worker polls yet, so both answers wait for the first workflow task.
    idle = Harness(harness.env, f"idle-{uuid.uuid4()}", harness.pool)
    handle = await idle.start_pair()
    answers = [consent(MENTOR, "mentor"), consent(MENTEE, "mentee")]
    replies = [
        asyncio.create_task(
            handle.execute_update(RelationshipWorkflow.answer_prompt, answer, id=answer.answer_id)
        )
        for answer in answers
    ]
    for answer in answers:
        await until_admitted(harness.client, handle.id, answer.answer_id)

    async with twoway_worker(harness.client, harness.pool, idle.task_queue):
        receipts = await asyncio.wait_for(asyncio.gather(*replies), timeout=30)
        # The activity runs after the replies: wait for both answers' events to be stored.
        await harness.wait_for_row(
            "SELECT 1 WHERE (SELECT count(*) FROM events WHERE stream_id = $1"
            " AND event_type = 'match_accepted') = 2",
            handle.id,
        )
        events = (await handle.fetch_history()).events
        await handle.terminate(reason="test finished")

    assert [receipt.duplicate for receipt in receipts] == [False, False]
    assert len([e for e in events if e.event_type == UPDATE_ACCEPTED]) == 2
    # The start and both answers in one workflow task: one record_events call for all of them.
    assert len(local_activity_markers(events)) == 1
    assert (await recorded_types(harness, handle)).count("match_accepted") == 2


async def until_admitted(
    client: Client, workflow_id: str, update_id: str, within: float = 10
) -> None:
    """The server holds the update: asking for its outcome waits instead of failing at once."""
    deadline = time.monotonic() + within
    request = PollWorkflowExecutionUpdateRequest(
        namespace=client.namespace,
        update_ref=UpdateRef(
            workflow_execution=WorkflowExecution(workflow_id=workflow_id), update_id=update_id
        ),
        wait_policy=WaitPolicy(lifecycle_stage=ACCEPTED_STAGE),
    )
    while time.monotonic() < deadline:
        try:
            await client.workflow_service.poll_workflow_execution_update(
                request, timeout=timedelta(milliseconds=300)
            )
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                continue
            # The client gave up waiting (CANCELLED here): the server knows the update.
            if error.status not in (RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED):
                raise
        return
    raise AssertionError(f"update {update_id} not admitted within {within}s")
