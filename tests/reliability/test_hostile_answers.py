"""Hypothesis-generated prompt answers against a real workflow on the dev server: each is
rejected by the update validator with a message, no workflow task fails, and the history does
not grow by a single event."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from twoway.settings import Settings

MENTOR = "emp-hostile-mentor"
MENTEE = "emp-hostile-mentee"
PROMPTS = ("consent:mentor", "consent:mentee", "onboarding:mentor", "contract:proposal")
KINDS = ("consent", "onboarding", "contract_proposal", "meeting_log", "check_in", "closing")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
answers = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"kind": st.sampled_from(KINDS)},
        optional={
            "decision": st.sampled_from(["accept", "decline", "maybe", ""]) | json_values,
            "reason": st.text(max_size=50),
            "satisfaction": st.integers(-5, 50),
            "understands_roles": json_values,
        },
    ),
)
commands = st.fixed_dictionaries(
    {
        "type": st.just("answer_prompt"),
        "answer_id": st.text(max_size=40) | st.just("ok-" + uuid.uuid4().hex),
        "prompt_id": st.sampled_from(PROMPTS) | st.text(max_size=40),
        "respondent_id": st.sampled_from([MENTOR, MENTEE, "emp-stranger", ""]) | st.text(),
        "answer": answers,
    }
)


def could_be_accepted(command: dict[str, Any]) -> bool:
    """In the proposed phase only a participant's own consent can be taken."""
    answer = command["answer"]
    role = {"consent:mentor": MENTOR, "consent:mentee": MENTEE}.get(command["prompt_id"])
    return (
        role is not None
        and command["respondent_id"] == role
        and isinstance(answer, dict)
        and answer.get("kind") == "consent"
    )


async def history_summary(handle: WorkflowHandle[Any, Any]) -> tuple[int, int]:
    history = await handle.fetch_history()
    failed = sum(
        1
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    )
    return len(history.events), failed


@pytest.mark.usefixtures("web_stack")
def test_generated_bad_answers_are_rejected_with_a_message_and_never_reach_history(
    web_settings: Settings, data_converter: DataConverter
) -> None:
    loop = asyncio.new_event_loop()
    try:
        client = loop.run_until_complete(
            Client.connect(
                web_settings.temporal_target,
                namespace=web_settings.namespace,
                data_converter=data_converter,
            )
        )
        programme = f"p{uuid.uuid4().hex[:10]}"
        handle = loop.run_until_complete(_start(client, web_settings, programme))
        before = loop.run_until_complete(history_summary(handle))
        rejected: list[str] = []

        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(command=commands)
        def rejected_with_a_message(command: dict[str, Any]) -> None:
            assume(not could_be_accepted(command))
            with pytest.raises(WorkflowUpdateFailedError) as raised:
                loop.run_until_complete(handle.execute_update("answer_prompt", command))
            cause = raised.value.cause
            assert isinstance(cause, ApplicationError)
            assert cause.message.strip()
            assert "Traceback" not in cause.message
            rejected.append(cause.message)

        rejected_with_a_message()
        after = loop.run_until_complete(history_summary(handle))
        assert len(rejected) >= 30
        assert after == before, "a rejected answer reached the history or failed a task"
    finally:
        loop.close()


async def _start(client: Client, settings: Settings, programme: str) -> WorkflowHandle[Any, Any]:
    from services.pairs import PairRequest, start_relationship

    request = PairRequest(
        programme_id=programme,
        mentor_id=MENTOR,
        mentee_id=MENTEE,
        coordinator_id="coord-1",
        owner_id="owner-1",
    )
    handle = await start_relationship(client, request, task_queue=settings.task_queue)
    await until_idle(handle)
    return handle


async def until_idle(handle: WorkflowHandle[Any, Any], within: float = 30.0) -> None:
    """The first activations (proposal, prompts, recording) finish before events are counted."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        raw = (await handle.describe()).raw_description
        if not raw.pending_activities and not raw.HasField("pending_workflow_task"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the workflow never went idle")
