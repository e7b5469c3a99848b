"""What an HR API key may reach: its organisation's people, the programmes it is a member of,
and the pairs with at least one of its people; and what it may do (its scopes).

Every refusal of something outside the key's organisation is the same 404 as for something that
does not exist, so a key cannot tell another organisation's person or pair from no one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from temporalio.service import RPCError, RPCStatusCode

from domain.state import RelationshipState
from services.relationship_state import relationship_state
from store.organisations import people_of_organisation, programme_members
from twoway.credentials import ApiKey, Scope
from web.gate import API_KEY_STATE
from web.problems import ProblemError
from web.services import WebServices


def api_key(request: Request) -> ApiKey:
    """The key the gate checked for this request (every ``/api/`` request passes the gate)."""
    key: ApiKey | None = getattr(request.state, API_KEY_STATE, None)
    if key is None:
        raise ProblemError(401, "unauthorised", "An API key is required", "Send a known key.")
    return key


Key = Annotated[ApiKey, Depends(api_key)]


def requires(scope: Scope) -> Callable[[Request], Awaitable[ApiKey]]:
    """A dependency refusing (403) a key without ``scope``."""

    async def check(request: Request) -> ApiKey:
        key = api_key(request)
        if not key.may(scope):
            raise ProblemError(
                403,
                "missing-scope",
                "This API key may not do this",
                f"The key lacks the scope `{scope.value}`.",
            )
        return key

    return check


def not_found(what: str) -> ProblemError:
    return ProblemError(404, "not-found", f"No such {what}", f"No {what} has this id.")


async def ensure_programme_member(services: WebServices, key: ApiKey, programme_id: str) -> None:
    """404 unless the key's organisation is a member of the programme."""
    async with services.pool.acquire() as conn:
        members = await programme_members(conn, programme_id)
    if key.organisation not in members:
        raise not_found("programme")


async def own_people(services: WebServices, key: ApiKey, person_ids: list[str]) -> frozenset[str]:
    async with services.pool.acquire() as conn:
        return await people_of_organisation(conn, key.organisation, person_ids)


async def ensure_own_person(services: WebServices, key: ApiKey, person_id: str) -> None:
    if person_id not in await own_people(services, key, [person_id]):
        raise not_found("person")


async def reachable_relationship(
    services: WebServices, key: ApiKey, relationship_id: str
) -> RelationshipState:
    """The pair's state, when the key's organisation is a member of its programme and has at
    least one of its two people; otherwise the 404 of a pair that does not exist."""
    try:
        _, state = await relationship_state(
            services.client, services.pool, services.sealer, relationship_id
        )
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise not_found("relationship") from None
        raise
    await ensure_programme_member(services, key, state.programme_id)
    if not await own_people(services, key, [state.mentor_id, state.mentee_id]):
        raise not_found("relationship")
    return state


Row = TypeVar("Row")


async def filter_reachable_pairs(
    services: WebServices,
    key: ApiKey,
    rows: list[Row],
    people: Callable[[Row], tuple[str, ...]],
) -> list[Row]:
    """Those of ``rows`` (pairs, cases) with at least one person of the key's organisation."""
    ids = [person for row in rows for person in people(row)]
    mine = await own_people(services, key, ids)
    return [row for row in rows if mine.intersection(people(row))]
