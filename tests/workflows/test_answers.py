"""Bad answers are refused by the update validator: a clear message, nothing in history."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.commands import AnswerPrompt
from domain.prompts import ConsentAnswer, MeetingLogAnswer, OnboardingAnswer
from services.pairs import RelationshipHandle
from tests.workflows.conftest import MENTEE, MENTOR, Harness
from workflows.relationship import RelationshipWorkflow


async def updates_in_history(handle: RelationshipHandle) -> int:
    """Accepted updates leave events in history; rejected ones leave none."""
    history = await handle.fetch_history()
    return sum(
        1
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    )


async def refused(handle: RelationshipHandle, command: AnswerPrompt) -> ApplicationError:
    before = await updates_in_history(handle)
    state_before = await handle.query(RelationshipWorkflow.state)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(RelationshipWorkflow.answer_prompt, command)
    assert await updates_in_history(handle) == before, "a rejected answer must not reach history"
    assert await handle.query(RelationshipWorkflow.state) == state_before
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


def consent(answer_id: str, prompt_id: str, respondent: str) -> AnswerPrompt:
    return AnswerPrompt(
        answer_id=answer_id,
        prompt_id=prompt_id,
        respondent_id=respondent,
        answer=ConsentAnswer(decision="accept"),
    )


async def test_answer_from_the_wrong_person_is_refused(harness: Harness) -> None:
    handle = await harness.start_pair()
    cause = await refused(handle, consent("a1", "consent:mentor", MENTEE))
    assert cause.type == "wrong_respondent"


async def test_answer_to_an_unknown_prompt_is_refused(harness: Harness) -> None:
    handle = await harness.start_pair()
    cause = await refused(handle, consent("a1", "consent:nobody", MENTOR))
    assert cause.type == "unknown_prompt"
    assert "consent:nobody" in cause.message


async def test_second_answer_to_a_closed_prompt_is_refused(harness: Harness) -> None:
    handle = await harness.start_pair()
    await handle.execute_update(
        RelationshipWorkflow.answer_prompt, consent("a1", "consent:mentor", MENTOR)
    )
    cause = await refused(handle, consent("a2", "consent:mentor", MENTOR))
    assert cause.type == "prompt_closed"


async def test_answer_of_the_wrong_kind_is_refused(harness: Harness) -> None:
    handle = await harness.start_pair()
    command = AnswerPrompt(
        answer_id="a1",
        prompt_id="consent:mentor",
        respondent_id=MENTOR,
        answer=MeetingLogAnswer(happened=True),
    )
    cause = await refused(handle, command)
    assert cause.type == "answer_kind_mismatch"


async def test_oversized_answer_is_refused_before_it_reaches_history(harness: Harness) -> None:
    handle = await harness.start_pair()
    # model_construct skips client-side validation, as a hostile or buggy client would.
    oversized = OnboardingAnswer.model_construct(
        understands_roles=True,
        understands_responsibilities=True,
        commits_to_rapport=True,
        accepts_confidentiality=True,
        hopes_to_teach="x" * 100_000,
        hopes_to_learn="",
    )
    command = AnswerPrompt.model_construct(
        type="answer_prompt",
        answer_id="a1",
        prompt_id="consent:mentor",
        respondent_id=MENTOR,
        answer=oversized,
    )
    before = await updates_in_history(handle)
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(RelationshipWorkflow.answer_prompt, command)
    assert await updates_in_history(handle) == before


async def test_resent_answer_is_acknowledged_once_and_applied_once(harness: Harness) -> None:
    handle = await harness.start_pair()
    first = await handle.execute_update(
        RelationshipWorkflow.answer_prompt, consent("same-id", "consent:mentor", MENTOR)
    )
    state_after_first = await handle.query(RelationshipWorkflow.state)
    again = await handle.execute_update(
        RelationshipWorkflow.answer_prompt, consent("same-id", "consent:mentor", MENTOR)
    )
    assert not first.duplicate
    assert again.duplicate
    assert await handle.query(RelationshipWorkflow.state) == state_after_first
