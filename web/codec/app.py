"""``/codec/encode`` and ``/codec/decode`` (Temporal's remote codec protocol), operators only.

Three ways in, because the callers differ in what they can send:

* ``Authorization: Bearer <operator token>``: the `temporal` CLI (``--codec-auth``) and scripts;
* a session cookie set by ``/codec/login`` (a random session id, never the token; ended by
  ``POST /codec/logout``): a Temporal UI configured to include credentials;
* ``/codec/{capability}/decode``: the local dev server's UI, which can send neither. The
  capability is derived from the operator token but is not it, and decodes payloads only: the
  UI is itself unauthenticated on 127.0.0.1, so whoever can load it sees those payloads anyway.

The server stores only ciphertext; decoded payloads exist only in the operator's browser.
"""

from __future__ import annotations

import binascii
from typing import Annotated

from cryptography.exceptions import InvalidTag
from fastapi import Depends, FastAPI, Form, Header, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, RedirectResponse
from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from temporalio.api.common.v1 import Payloads

from twoway.codec import KeyringError
from twoway.settings import Settings
from web.operator_sessions import (
    SESSION_LIFETIME,
    close_session,
    open_session,
    session_is_open,
)
from web.problems import ProblemError, install_problem_handlers
from web.services import WebServices, get_services

COOKIE = "twoway_operator"
REPORTS_COOKIE = "twoway_operator_reports"
COOKIE_PATHS = {COOKIE: "/codec", REPORTS_COOKIE: "/programmes"}
Services = Annotated[WebServices, Depends(get_services)]


def _unauthorised() -> ProblemError:
    return ProblemError(
        401,
        "operator-only",
        "Operator authentication is required",
        "Send `Authorization: Bearer <operator token>`, or sign in at /codec/login.",
        headers={"WWW-Authenticate": 'Bearer realm="twoway-codec"'},
    )


async def require_operator(
    request: Request,
    services: Services,
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    if authorization is not None and authorization.lower().startswith("bearer "):
        if services.credentials.operator_token_is_valid(authorization[7:].strip()):
            return
    elif await session_is_open(services.pool, request.cookies.get(COOKIE, ""), services.clock()):
        return
    raise _unauthorised()


async def _payloads(request: Request) -> Payloads:
    try:
        body = await request.json()
        return ParseDict(body, Payloads(), ignore_unknown_fields=False)
    except (ValueError, ParseError, TypeError, AttributeError):
        raise ProblemError(
            400,
            "malformed-payloads",
            "The body is not a Payloads message in proto3 JSON",
            'Expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}.',
        ) from None


async def _convert(request: Request, services: WebServices, decode: bool) -> dict[str, object]:
    payloads = await _payloads(request)
    try:
        if decode:
            converted = await services.codec.decode(list(payloads.payloads))
        else:
            converted = await services.codec.encode(list(payloads.payloads))
    except (InvalidTag, KeyringError, KeyError, ValueError, binascii.Error):
        # Never say more: the detail of a failed decryption helps nobody but an attacker.
        raise ProblemError(
            400, "undecodable-payload", "A payload cannot be decoded with this server's keys"
        ) from None
    return MessageToDict(Payloads(payloads=converted))


def _capability(token: str, services: WebServices) -> None:
    if not services.credentials.ui_codec_capability_is_valid(token):
        raise _unauthorised()


def _routes(app: FastAPI) -> None:
    operator = [Depends(require_operator)]

    @app.post("/encode", dependencies=operator)
    async def encode(request: Request, services: Services) -> dict[str, object]:
        return await _convert(request, services, decode=False)

    @app.post("/decode", dependencies=operator)
    async def decode(request: Request, services: Services) -> dict[str, object]:
        return await _convert(request, services, decode=True)

    @app.post("/{token}/encode")
    async def encode_at(token: str, request: Request, services: Services) -> dict[str, object]:
        _capability(token, services)
        return await _convert(request, services, decode=False)

    @app.post("/{token}/decode")
    async def decode_at(token: str, request: Request, services: Services) -> dict[str, object]:
        _capability(token, services)
        return await _convert(request, services, decode=True)

    @app.get("/login", response_class=HTMLResponse)
    async def login_form() -> str:
        return _LOGIN_PAGE.format(message="")

    @app.post("/login", response_model=None)
    async def login(
        request: Request, services: Services, token: Annotated[str, Form(max_length=512)]
    ) -> Response:
        if not services.credentials.operator_token_is_valid(token):
            return HTMLResponse(_LOGIN_PAGE.format(message=_REFUSED_NOTICE), status_code=401)
        session_id = await open_session(services.pool, services.clock())
        response = RedirectResponse("/codec/login/done", status_code=303)
        # One cookie per operator area, each scoped to its path: no other page ever sees the
        # session (and one name per path keeps clients that index cookies by name working).
        for name, path in COOKIE_PATHS.items():
            response.set_cookie(
                name,
                session_id,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path=path,
                max_age=int(SESSION_LIFETIME.total_seconds()),
            )
        return response

    @app.post("/logout", response_class=HTMLResponse)
    async def logout(request: Request, services: Services) -> Response:
        session_id = request.cookies.get(COOKIE, "")
        if session_id:
            await close_session(services.pool, session_id, services.clock())
        response = HTMLResponse(_SIGNED_OUT_PAGE)
        for name, path in COOKIE_PATHS.items():
            response.delete_cookie(name, path=path, httponly=True, samesite="strict")
        return response

    @app.get("/login/done", response_class=HTMLResponse)
    async def logged_in() -> str:
        return _DONE_PAGE


_REFUSED_NOTICE = '<p role="alert">That token is not the operator token.</p>'
_LOGIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>twoway codec: operator sign-in</title></head><body><main>
<h1>Operator sign-in for the codec server</h1>{message}
<form method="post" action="/codec/login">
<label for="token">Operator token</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<button type="submit">Sign in</button></form></main></body></html>"""
_DONE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>twoway codec: signed in</title></head><body><main><h1>Signed in</h1>
<p>The Temporal UI in this browser can now decode payloads, and programme reports
(/programmes/ID/report) open, for 12 hours.</p>
<form method="post" action="/codec/logout"><button type="submit">Sign out</button></form>
</main></body></html>"""
_SIGNED_OUT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>twoway codec: signed out</title></head><body><main><h1>Signed out</h1>
<p>This browser can no longer decode payloads or open programme reports.</p>
</main></body></html>"""


def codec_app(settings: Settings) -> FastAPI:
    """The sub-application mounted at ``/codec``; its ``state.services`` is set at startup."""
    app = FastAPI(title="twoway codec server", docs_url=None, redoc_url=None, openapi_url=None)
    install_problem_handlers(app)
    _routes(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.ui_origins,
        allow_methods=["POST"],
        allow_headers=["content-type", "x-namespace", "authorization"],
        allow_credentials=True,
        max_age=600,
    )
    return app
