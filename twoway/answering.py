"""Applying an answer (inbox or CLI), patiently: a burst can keep the worker busy for longer than
the server waits in one update call."""

from __future__ import annotations

import time

from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError

from domain.commands import AnswerPrompt
from starter import RelationshipHandle
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import AnswerReceipt

# How long one answer keeps trying before the person is asked to send it again.
ANSWER_PATIENCE_SECONDS = 120.0


async def apply_answer(
    handle: RelationshipHandle, command: AnswerPrompt, *, within: float = ANSWER_PATIENCE_SECONDS
) -> AnswerReceipt:
    """Runs the update, sending it again while the server times out waiting for the worker.

    The update id is the answer id: a call sent again attaches to the update already in
    flight, and the workflow dedupes by answer id as well, so the answer applies once.
    Past ``within`` seconds the last WorkflowUpdateRPCTimeoutOrCancelledError is raised.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            return await handle.execute_update(
                RelationshipWorkflow.answer_prompt, command, id=command.answer_id
            )
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            if time.monotonic() >= deadline:
                raise
