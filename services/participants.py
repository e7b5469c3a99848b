"""One of the pair asks for something between prompts: the flow behind the inbox and the CLI.

Raise a concern, pause until a date and come back early, leave without fault, propose mutual
mentoring, propose an amended contract, move the next meeting. Each becomes one command of the
`participant_action` update; a rule's refusal (from the update's validator) is a RefusedError.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from pydantic import ValidationError
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import PARTICIPANT_COMMAND_ADAPTER, ParticipantCommand
from services.errors import InvalidRequestError, NotFoundError, RefusedError, refusal_of
from services.pairs import RelationshipHandle, relationship_handle
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import ParticipantReceipt

# The names people use (CLI sub-commands, inbox forms) for the commands' types.
ACTIONS: dict[str, str] = {
    "concern": "raise_concern",
    "pause": "request_pause",
    "resume": "resume_early",
    "leave": "leave_relationship",
    "propose-mutual": "propose_mutual",
    "amend": "propose_amendment",
    "move-meeting": "move_meeting",
}
# How long one request keeps trying before the person is asked to send it again.
ACTION_PATIENCE_SECONDS = 120.0


def new_action_id() -> str:
    return f"act-{uuid.uuid4().hex}"


def participant_command(
    action: str, participant_id: str, data: dict[str, Any]
) -> ParticipantCommand:
    """The command for ``action`` with its fields; bad input names the field that is wrong."""
    kind = ACTIONS.get(action)
    if kind is None:
        raise InvalidRequestError([("action", f"unknown action {action!r}")])
    payload = {**data, "type": kind, "participant_id": participant_id}
    try:
        return PARTICIPANT_COMMAND_ADAPTER.validate_python(payload)
    except ValidationError as error:
        problems = [
            (".".join(str(part) for part in item["loc"][1:]) or action, item["msg"])
            for item in error.errors(include_input=False, include_url=False)
        ]
        raise InvalidRequestError(problems) from None


async def submit_action(
    handle: RelationshipHandle,
    command: ParticipantCommand,
    action_id: str,
    *,
    within: float = ACTION_PATIENCE_SECONDS,
) -> ParticipantReceipt:
    """Run the update, sending it again (same update id) while the server times out waiting."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await handle.execute_update(
                RelationshipWorkflow.participant_action, command, id=action_id
            )
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            if time.monotonic() >= deadline:
                raise
        except WorkflowUpdateFailedError as failure:
            raise refusal_of(failure, "The relationship refused this request.") from None
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise await _closed_or_unknown(handle) from None
            raise


async def _closed_or_unknown(handle: RelationshipHandle) -> RefusedError | NotFoundError:
    """A finished relationship takes no updates; say so rather than "not found"."""
    try:
        # The first event of its history is enough to know it exists.
        async for _ in handle.fetch_history_events(page_size=1):
            break
    except RPCError:
        return NotFoundError("no relationship has this id")
    return RefusedError("relationship_closed", "The relationship has ended; it takes no requests.")


async def act_on_relationship(
    client: Client,
    relationship_id: str,
    participant_id: str,
    action: str,
    data: dict[str, Any] | None = None,
    action_id: str | None = None,
) -> ParticipantReceipt:
    """One participant's request on their relationship, by ids (`twoway participant ...`)."""
    command = participant_command(action, participant_id, data or {})
    handle = relationship_handle(client, relationship_id)
    return await submit_action(handle, command, action_id or new_action_id())
