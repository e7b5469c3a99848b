"""Security headers on every response, and one log line per request with its secrets masked.

A plain ASGI middleware: it changes the response's first message on its way out and logs when
the request ends. Starlette's `BaseHTTPMiddleware` (what `app.middleware("http")` builds) would
run every request through a task group and a memory stream to hand the route's response back
as an object, which under a burst of inbox answers cost the web app a share of its time.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twoway.logging import get_logger

log = get_logger(__name__)

# No scripts anywhere: the inbox works without JavaScript, so the policy can forbid it outright.
PERSONAL_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# Personal pages and decoded payloads: never cached, never framed.
_PERSONAL_PREFIXES = ("/inbox", "/codec", "/staff")


def loggable_path(path: str) -> str:
    """The path with secrets masked: inbox paths carry link tokens, local codec paths a token."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in ("inbox", "staff"):
        parts[2] = "{token}"
    if len(parts) == 4 and parts[1] == "codec" and parts[3] in ("encode", "decode"):
        parts[2] = "{token}"
    return "/".join(parts)[:200]


class HeadersAndLog:
    def __init__(self, app: ASGIApp, logger: Any = None) -> None:
        self.app = app
        # The module's structlog logger; a test hands in its own to read what was logged.
        self.log = log if logger is None else logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        # What the client sees when the route raises: the error handler outside answers 500.
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _secure(MutableHeaders(scope=message), path)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.log.info(
                "http_request",
                method=scope["method"],
                path=loggable_path(path),
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def _secure(headers: MutableHeaders, path: str) -> None:
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if path.startswith(_PERSONAL_PREFIXES):
        headers["Cache-Control"] = "no-store"
        headers.setdefault("Content-Security-Policy", PERSONAL_PAGE_POLICY)
