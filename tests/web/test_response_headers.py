"""Every response carries the security headers; every request leaves one log line, token masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from delivery.links import LinkSigner
from tests.web.pairs import MENTOR
from web.headers import HeadersAndLog

TOKEN = "v1.secret-token.123.sig"


async def test_a_refused_inbox_page_is_neither_cached_framed_nor_scripted(
    anonymous: httpx.AsyncClient,
) -> None:
    forged = LinkSigner(secret=b"someone-else-s-secret-of-32-byte", ttl=timedelta(days=1))
    page = await anonymous.get(f"/inbox/{forged.make(MENTOR, datetime.now(UTC))}")

    assert page.status_code == 403
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy


async def test_an_api_call_refused_at_the_gate_still_gets_the_headers(
    anonymous: httpx.AsyncClient,
) -> None:
    refused = await anonymous.get("/api/v1/programmes")

    assert refused.status_code == 401
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert refused.headers["referrer-policy"] == "no-referrer"


async def _fails(request: Request) -> PlainTextResponse:
    raise RuntimeError("a bug in a route")


async def _page(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello", headers={"Cache-Control": "max-age=600"})


class RecordingLogger:
    """Keeps what the middleware logs, whatever the process's logging is configured to do."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})


def _app(logger: RecordingLogger) -> HeadersAndLog:
    routes = [Route("/inbox/{token}", _page), Route("/inbox/{token}/fails", _fails)]
    return HeadersAndLog(Starlette(routes=routes), logger=logger)


async def test_each_request_is_logged_once_with_its_link_token_masked() -> None:
    logs = RecordingLogger()
    transport = httpx.ASGITransport(app=_app(logs))
    async with httpx.AsyncClient(transport=transport, base_url="http://web") as web:
        page = await web.get(f"/inbox/{TOKEN}")

    assert page.headers["cache-control"] == "no-store"  # a personal page overrides the route
    [line] = [entry for entry in logs.lines if entry["event"] == "http_request"]
    assert line["path"] == "/inbox/{token}"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert TOKEN not in repr(logs.lines)


async def test_a_request_whose_route_fails_is_logged_as_a_server_error() -> None:
    logs = RecordingLogger()
    transport = httpx.ASGITransport(app=_app(logs), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://web") as web:
        with pytest.raises(RuntimeError):
            await web.get(f"/inbox/{TOKEN}/fails")

    [line] = [entry for entry in logs.lines if entry["event"] == "http_request"]
    assert line["path"] == "/inbox/{token}/fails"
    assert line["status"] == 500
