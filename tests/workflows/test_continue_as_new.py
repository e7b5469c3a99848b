"""Continue-as-new mid-relationship keeps the state and still refuses re-sent answers.

Runs on the real dev server, started with continue-as-new suggested after 40 events.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest_asyncio
from temporalio.client import WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from domain.commands import AnswerPrompt
from domain.state import Phase
from services.pairs import PairRequest, RelationshipHandle, start_relationship
from simulation.driver import answer_id, situation
from simulation.personas import Persona, answer_for
from store.database import Pool
from tests.workflows.conftest import record_history
from worker import twoway_worker
from workflows.relationship import RelationshipWorkflow


@pytest_asyncio.fixture(loop_scope="session")
async def dev_task_queue(dev_server_env: WorkflowEnvironment, pg_pool: Pool) -> AsyncIterator[str]:
    task_queue = f"can-{uuid.uuid4()}"
    async with twoway_worker(dev_server_env.client, pg_pool, task_queue):
        yield task_queue


async def answer_until_active(handle: RelationshipHandle) -> list[AnswerPrompt]:
    """Answer as engaged participants (real time) until the contract is signed."""
    sent: list[AnswerPrompt] = []
    rng = random.Random(1)
    for _ in range(50):
        state = await handle.query(RelationshipWorkflow.state)
        if state.phase == Phase.ACTIVE:
            return sent
        for prompt in state.open_prompts:
            answer = answer_for(Persona.ENGAGED, prompt, situation(state, datetime.now(UTC)), rng)
            assert answer is not None
            command = AnswerPrompt(
                answer_id=answer_id(prompt),
                prompt_id=prompt.prompt_id,
                respondent_id=prompt.recipient_id,
                answer=answer,
            )
            await handle.execute_update(RelationshipWorkflow.answer_prompt, command)
            sent.append(command)
    raise AssertionError("never reached active")


async def wait_for_new_run(
    handle: RelationshipHandle, first_run: str | None
) -> WorkflowExecutionDescription:
    """The last answer returns before its effects are flushed; continue-as-new follows them."""
    for _ in range(100):
        description = await handle.describe()
        if description.run_id != first_run:
            return description
        await asyncio.sleep(0.1)
    raise AssertionError("continue-as-new did not happen within 10 s")


async def test_continue_as_new_keeps_state_and_dedupes_answers(
    dev_server_env: WorkflowEnvironment, dev_task_queue: str
) -> None:
    request = PairRequest(
        programme_id="prog-can",
        mentor_id=f"m-{uuid.uuid4().hex[:8]}",
        mentee_id="s-1",
        coordinator_id="coord-1",
        owner_id="owner-1",
    )
    handle = await start_relationship(dev_server_env.client, request, task_queue=dev_task_queue)
    first_run = (await handle.describe()).run_id
    sent = await answer_until_active(handle)

    latest: RelationshipHandle = dev_server_env.client.get_workflow_handle_for(
        RelationshipWorkflow.run, handle.id
    )
    description = await wait_for_new_run(latest, first_run)
    assert description.status == WorkflowExecutionStatus.RUNNING
    state = await latest.query(RelationshipWorkflow.state)
    assert state.phase == Phase.ACTIVE
    assert state.contract is not None

    receipt = await latest.execute_update(RelationshipWorkflow.answer_prompt, sent[0])
    assert receipt.duplicate
    assert await latest.query(RelationshipWorkflow.state) == state
    # Both runs replay: the first ends in continue-as-new, the second starts from carried state.
    client = dev_server_env.client
    await record_history(client, handle.id, "continue_as_new_first_run", run_id=first_run)
    await record_history(client, handle.id, "continue_as_new_next_run", run_id=description.run_id)
    await latest.terminate(reason="test finished")
