"""Who may see what in the inbox: the link names one person; they see only their own things.

Every refusal is a ``RefusedError`` with a message that is safe to show: it never echoes the token,
and it does not say whether a relationship or prompt of someone else exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from delivery.links import LinkTokenError
from domain.prompts import Prompt
from domain.state import RelationshipState
from services.errors import InvalidRequestError
from services.pairs import RelationshipHandle
from services.relationship_state import relationship_state
from store.erasure import is_erased
from web.services import WebServices

NOT_YOURS = "There is nothing for you here. Open the link from your most recent e-mail."
BUSY = "The service is busy or restarting. Please try again in a minute."


class RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


ERASED = "This link no longer works."


async def person_from_token(services: WebServices, token: str) -> str:
    try:
        person_id = services.signer.verify(token, services.clock())
    except LinkTokenError as error:
        raise RefusedError(403, str(error)) from None
    # An erased person's unexpired link must not open what is left of their relationships.
    async with services.pool.acquire() as conn:
        if await is_erased(conn, person_id):
            raise RefusedError(403, ERASED)
    return person_id


@dataclass(frozen=True)
class Relationship:
    handle: RelationshipHandle
    state: RelationshipState


async def relationship_of(
    services: WebServices, person_id: str, relationship_id: str
) -> Relationship:
    try:
        handle, state = await relationship_state(
            services.client, services.pool, services.sealer, relationship_id
        )
    except InvalidRequestError:
        # An id no relationship can have: the same answer as an unknown one.
        raise RefusedError(404, NOT_YOURS) from None
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise RefusedError(404, NOT_YOURS) from None
        raise
    except WorkflowQueryFailedError:
        # The worker could not answer (e.g. mid-handoff after a crash): nobody's fault, try later.
        raise RefusedError(503, BUSY) from None
    if state.role_of(person_id) is None:
        # Same answer as an unknown id: a stranger's link must not learn that it exists.
        raise RefusedError(404, NOT_YOURS)
    return Relationship(handle=handle, state=state)


def open_prompt_of(relationship: Relationship, person_id: str, prompt_id: str) -> Prompt:
    prompt = relationship.state.prompts.get(prompt_id)
    if prompt is None or prompt.recipient_id != person_id:
        raise RefusedError(404, NOT_YOURS)
    if not prompt.is_open:
        raise RefusedError(410, "This question is no longer open: it was answered or has closed.")
    return prompt
