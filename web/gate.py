"""The gate every request passes before any body is read: credentials first, then a size cap.

FastAPI reads and parses a JSON or form body before it runs a route's dependencies, and uvicorn
sets no body-size limit; so an API-key check in ``Depends`` comes after a stranger's 200 MB body
is in memory. This ASGI middleware runs first: an ``/api/`` request without a known API key is
refused from its headers alone, a declared ``Content-Length`` above the cap is refused before a
byte is read, and a chunked body is counted as it streams and cut off at the cap. The known key
is left in the request's state for the routes (its organisation and scopes), and every change
made with it is recorded with the key's id once its answer's status is known.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store.organisations import record_key_action
from twoway.credentials import ApiKey
from web.problems import PROBLEM_JSON

KIB = 1024
MIB = 1024 * KIB
# A roster is at most 10 MiB (MAX_ROSTER_BYTES); multipart framing adds a little around it.
ROSTER_BODY_LIMIT = 10 * MIB + 64 * KIB
# The codec server receives Temporal payloads from the UI; one payload may be up to 2 MB.
CODEC_BODY_LIMIT = 4 * MIB
# Everything else (pairs, people, HR events, inbox answers, sign-in) is a small form or JSON.
DEFAULT_BODY_LIMIT = 256 * KIB

# Where the gate leaves the request's `twoway.credentials.ApiKey` for the routes.
API_KEY_STATE = "api_key"
_READS = frozenset({"GET", "HEAD", "OPTIONS"})

_ROSTER_PATH = re.compile(r"^/api/v1/programmes/[^/]+/roster$")


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` once a streamed body passes the cap; answered as 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes")


def body_limit(path: str) -> int:
    if _ROSTER_PATH.match(path):
        return ROSTER_BODY_LIMIT
    if path.startswith("/codec/"):
        return CODEC_BODY_LIMIT
    return DEFAULT_BODY_LIMIT


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _bearer(scope: Scope) -> str | None:
    authorization = _header(scope, b"authorization")
    if authorization is None or not authorization.lower().startswith("bearer "):
        return None
    return authorization[7:].strip()


class RequestGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = body_limit(path)
        declared = _header(scope, b"content-length")
        too_large = declared is not None and (not declared.isdigit() or int(declared) > limit)
        if path.startswith("/api/"):
            refusal = self._api_key_refusal(scope)
            if refusal is None and scope["method"] not in _READS:
                # Every change made with a key is recorded with the key's id, whatever the route.
                send = _recording_changes(scope, send)
            if refusal is not None:
                # A small body is read and dropped first, so the client (still sending it) gets
                # the answer instead of a reset connection; a large one is never read.
                drained = not too_large and await _drain(receive, limit)
                await _refuse(
                    send, 401, "unauthorised", "An API key is required", refusal, close=not drained
                )
                return
        if too_large:
            await _refuse(send, 413, "body-too-large", f"The body is larger than {limit} bytes")
            return
        await self._pass_counted(scope, receive, send, limit)

    def _api_key_refusal(self, scope: Scope) -> str | None:
        """Why the request's API key is refused, or None when it is a known one."""
        presented = _bearer(scope)
        if presented is None:
            return "Send `Authorization: Bearer <API key>`."
        services = scope["app"].state.services
        key = services.credentials.api_key_of(presented)
        if key is None:
            return "This API key is not known."
        # The routes read the key (its organisation and scopes) from the request's state.
        scope.setdefault("state", {})[API_KEY_STATE] = key
        return None

    async def _pass_counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLargeError:
            # Routes that read the body themselves may let it escape; answer it here.
            if not started:
                await _refuse(send, 413, "body-too-large", f"The body is larger than {limit} bytes")


def _recording_changes(scope: Scope, send: Send) -> Send:
    """``send``, recording the request with its key's id once the answer's status is known."""
    key: ApiKey = scope["state"][API_KEY_STATE]
    pool = scope["app"].state.services.pool

    async def recording_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            async with pool.acquire() as conn:
                await record_key_action(
                    conn,
                    key.key_id,
                    key.organisation,
                    scope["method"],
                    scope["path"],
                    int(message["status"]),
                )
        await send(message)

    return recording_send


async def _drain(receive: Receive, limit: int) -> bool:
    """Read and drop the body, up to ``limit`` bytes; True when all of it was read."""
    received = 0
    while received <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return False
        received += len(message.get("body", b""))
        if not message.get("more_body", False):
            return received <= limit
    return False


async def _refuse(
    send: Send,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    close: bool = True,
) -> None:
    problem: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [],
    }
    body = json.dumps(problem).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        # The body was not read: the connection cannot carry another request.
        headers.append((b"connection", b"close"))
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="twoway"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
