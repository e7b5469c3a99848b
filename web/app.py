"""The web app: HR API, participants' inbox and codec server in one FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from content import load_content
from twoway.bootstrap import Runtime, open_runtime
from twoway.codec import EncryptionCodec
from twoway.converter import keyring_from_settings, sealer_from_settings
from twoway.credentials import credentials_from_settings
from twoway.logging import get_logger
from twoway.settings import Settings
from web.api import api_router
from web.codec import codec_app
from web.gate import RequestGate
from web.headers import HeadersAndLog
from web.inbox import inbox_router
from web.problems import install_problem_handlers
from web.report_page import report_router
from web.services import WebServices
from web.staff import front_router, staff_router
from web.temporal_errors import install_temporal_handlers

log = get_logger(__name__)


async def build_services(runtime: Runtime) -> WebServices:
    settings = runtime.settings
    # Every secret and content file first: an empty secret or a malformed text stops the start,
    # naming its file, before any connection is made.
    credentials = credentials_from_settings(settings)
    content = load_content(settings.content_dir)
    signer = runtime.signer()
    keyring = keyring_from_settings(settings)
    if settings.api_key_hashes is None:
        # The path only; the key itself stays in the file for its owner to read.
        log.info("local_api_key", file=str(settings.api_key_file))
    return WebServices(
        settings=settings,
        client=await runtime.client(),
        pool=await runtime.pool(),
        signer=signer,
        credentials=credentials,
        # The codec server shows payloads to operators and acts on none: it decodes plaintext
        # payloads (e.g. a terminate reason typed in the UI) as they are.
        codec=EncryptionCodec(keyring, refuse_unencrypted=False),
        sealer=sealer_from_settings(settings),
        content=content,
    )


def create_app(settings: Settings, *, services: WebServices | None = None) -> FastAPI:
    """The application; tests pass ``services`` (their own client and pool) to share a loop."""
    codec = codec_app(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            yield
            return
        async with open_runtime(settings) as runtime:
            ready = await build_services(runtime)
            app.state.services = ready
            codec.state.services = ready
            yield

    app = FastAPI(
        title="twoway HR API",
        version="1",
        description=(
            "Run programmes (roster import, matching, approval, reports), start mentoring pairs,"
            " keep the people directory, send HR events and read figures."
            " Authenticate with `Authorization: Bearer <API key>`. Errors are"
            " `application/problem+json` and name the offending field. The creating POSTs"
            " (programmes, rosters, pairs) accept an `Idempotency-Key` header."
        ),
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    install_temporal_handlers(app)
    # Added first so it runs inside the logging middleware: refusals are logged and get headers.
    app.add_middleware(RequestGate)
    app.add_middleware(HeadersAndLog)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        # Answering at all means startup finished: Temporal and PostgreSQL were reached.
        return {"status": "ok"}

    app.include_router(api_router)
    app.include_router(report_router)
    app.include_router(inbox_router)
    app.include_router(staff_router)
    app.include_router(front_router)
    app.mount("/codec", codec)
    if services is not None:
        app.state.services = services
        codec.state.services = services
    return app
