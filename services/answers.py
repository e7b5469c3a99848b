"""Answering a prompt: the one flow behind the web inbox and `twoway answer`.

Applying an answer is patient: a burst can keep the worker busy for longer than the server waits
in one update call.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import ValidationError
from temporalio.client import (
    Client,
    WorkflowQueryRejectedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import QueryRejectCondition
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import AnswerPrompt
from domain.errors import ErrorCode
from domain.prompts import Prompt
from domain.slots import MeetingSlot
from domain.state import RelationshipState
from services.errors import InvalidRequestError, RefusedError, refusal_of
from services.pairs import RelationshipHandle, relationship_handle
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import AnswerReceipt

# How long one answer keeps trying before the person is asked to send it again.
ANSWER_PATIENCE_SECONDS = 120.0


async def apply_answer(
    handle: RelationshipHandle,
    command: AnswerPrompt,
    *,
    within: float = ANSWER_PATIENCE_SECONDS,
    update_id: str | None = None,
) -> AnswerReceipt:
    """Runs the update, sending it again while the server times out waiting for the worker.

    The update id is the answer id: a call sent again attaches to the update already in
    flight, and the workflow dedupes by answer id as well, so the answer applies once.
    Past ``within`` seconds the last WorkflowUpdateRPCTimeoutOrCancelledError is raised.
    ``update_id`` (one per request) lets a later request with the same answer reach the workflow,
    which then says it is a duplicate, instead of the server returning the first reply again.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            return await handle.execute_update(
                RelationshipWorkflow.answer_prompt, command, id=update_id or command.answer_id
            )
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            if time.monotonic() >= deadline:
                raise


async def submit_answer(
    handle: RelationshipHandle, command: AnswerPrompt, *, update_id: str | None = None
) -> AnswerReceipt:
    """Apply a built answer; a rule's refusal (from the update validator) is a RefusedError.

    WorkflowUpdateRPCTimeoutOrCancelledError still means "not confirmed yet": the caller asks the
    person to send the same answer again, which applies once.
    """
    try:
        return await apply_answer(handle, command, update_id=update_id)
    except WorkflowUpdateFailedError as failure:
        raise refusal_of(failure, "The relationship refused this answer.") from None


def answer_command(
    prompt: Prompt, person_id: str, data: dict[str, Any], answer_id: str
) -> AnswerPrompt:
    """The command for ``data`` answering ``prompt``; the answer's kind is the prompt's."""
    payload = {
        "answer_id": answer_id,
        "prompt_id": prompt.prompt_id,
        "respondent_id": person_id,
        "answer": {"kind": prompt.kind.value, **data},
    }
    try:
        return AnswerPrompt.model_validate(payload)
    except ValidationError as error:
        raise InvalidRequestError(answer_problems(error)) from None


def answer_problems(error: ValidationError) -> list[tuple[str, str]]:
    found = []
    for item in error.errors(include_input=False, include_url=False):
        # Drop the envelope and the union tag so the path reads like the answer file.
        location = [str(part) for part in item["loc"]]
        if location[:1] == ["answer"]:
            location = location[2:]
        found.append((".".join(location) or "answer", item["msg"]))
    return found


async def answer_prompt(
    client: Client,
    relationship_id: str,
    prompt_id: str,
    person_id: str,
    data: dict[str, Any],
    answer_id: str,
) -> AnswerReceipt:
    """Answer one open prompt of a relationship by ids, as `twoway answer` does.

    A closed relationship takes no answers (the server refuses an update of a closed workflow,
    even one repeating an update id it applied), so its state is not asked for: a query would
    make a worker replay its whole history only to be refused after.
    """
    handle = relationship_handle(client, relationship_id)
    try:
        state = await handle.query(
            RelationshipWorkflow.state, reject_condition=QueryRejectCondition.NOT_OPEN
        )
    except WorkflowQueryRejectedError:
        raise RefusedError(
            ErrorCode.RELATIONSHIP_CLOSED, "The relationship has ended; it takes no answers."
        ) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise InvalidRequestError([("relationship", "no relationship has this id")]) from None
        raise
    prompt = state.prompts.get(prompt_id)
    if prompt is None:
        raise RefusedError("unknown_prompt", f"the relationship has no prompt {prompt_id!r}")
    data = with_slot_in_own_zone(state, person_id, data)
    return await submit_answer(handle, answer_command(prompt, person_id, data, answer_id))


def with_slot_in_own_zone(
    state: RelationshipState, person_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    """`terms.slot=TU@15:00` (the command line's way) as a slot in the person's own zone.

    A code naming its zone (`TU@15:00@Europe/Berlin`) keeps it; a slot given as fields
    passes through unchanged.
    """
    own = state.availability_of(person_id)
    zone_name = own.time_zone if own is not None else "UTC"
    for key in ("terms", "counter_terms"):
        terms = data.get(key)
        if not isinstance(terms, dict) or not isinstance(terms.get("slot"), str):
            continue
        try:
            slot = MeetingSlot.from_code(terms["slot"], zone_name)
        except ValueError as error:
            raise InvalidRequestError([(f"{key}.slot", str(error))]) from None
        data = {**data, key: {**terms, "slot": slot.model_dump(mode="json")}}
    return data
