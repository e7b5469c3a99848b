"""Bearer API keys for HR systems; the key itself is never logged or echoed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from twoway.credentials import hash_api_key
from web.problems import ProblemError
from web.services import WebServices, get_services

# auto_error=False: a missing header must become our problem body, not FastAPI's plain 403.
bearer = HTTPBearer(auto_error=False, description="An HR API key: `Authorization: Bearer <key>`.")


def _unauthorised(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "unauthorised",
        "An API key is required",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="twoway"'},
    )


async def require_api_key(
    services: Annotated[WebServices, Depends(get_services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    if credentials is None:
        raise _unauthorised("Send `Authorization: Bearer <API key>`.")
    if not services.credentials.api_key_is_valid(credentials.credentials):
        raise _unauthorised("This API key is not known.")


async def api_key_digest(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The caller's key as its stored digest: what idempotency keys are scoped to."""
    if credentials is None:
        raise _unauthorised("Send `Authorization: Bearer <API key>`.")
    return hash_api_key(credentials.credentials)


def api_key_id(digest: str) -> str:
    """A short name of a key, safe to store and show: the first hex digits of its digest."""
    return f"api-key:{digest.removeprefix('sha256:')[:12]}"
