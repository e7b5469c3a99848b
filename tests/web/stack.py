"""The web app served for real (uvicorn on a free port) next to a real worker, in a thread.

The thread has its own event loop, Temporal client and database pool, exactly like the
``python -m web`` and worker processes; tests talk to it over HTTP. Sync callers (the schema
fuzzer) and the async tests' own loop can both use it without sharing a loop.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field

import uvicorn

from store.database import create_pool
from twoway.settings import Settings
from twoway.temporal_client import connect_client
from web.app import create_app
from worker import build_worker

START_TIMEOUT = 60.0


class _Server(uvicorn.Server):
    """Says when it listens, so the test waits on that instead of polling."""

    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._started.set()


@dataclass
class ThreadedStack:
    settings: Settings
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _failure: list[BaseException] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="web-stack", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise AssertionError("the web app did not start in time")
        if self._failure:
            raise AssertionError("the web app failed to start") from self._failure[0]

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:
            self._failure.append(error)
            self._ready.set()

    async def _main(self) -> None:
        settings = self.settings
        assert settings.database_url is not None
        client = await connect_client(settings)
        pool = await create_pool(settings.database_url, min_size=1, max_size=4)
        try:
            async with build_worker(client, pool, settings):
                config = uvicorn.Config(
                    create_app(settings),
                    host="127.0.0.1",
                    port=settings.web_port,
                    access_log=False,
                    log_config=None,
                    lifespan="on",
                )
                self._server = _Server(config, started=self._ready)
                await self._server.serve()
        finally:
            await pool.close()
