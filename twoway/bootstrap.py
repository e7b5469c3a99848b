"""One place that turns Settings into what a process talks to: the Temporal client, the PostgreSQL
pool and the inbox link signer. The worker, the web app, the dispatcher and the CLI all open them
here, so each is configured the same way everywhere.

Production processes find PostgreSQL through ``TWOWAY_DATABASE_URL`` only. The local stack
(``twoway up``) starts an embedded PostgreSQL and hands its URL to its children through that
same variable; the CLI passes the URL the running local stack published as ``database_url``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.client import Client

from delivery.links import LinkSigner, signer_from_settings
from store.database import Pool, create_pool
from twoway.settings import Settings
from twoway.temporal_client import connect_client


class DatabaseNotConfiguredError(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "no database: set TWOWAY_DATABASE_URL (or start the local stack with `twoway up`)"
        )


def configured_database_url(settings: Settings) -> str:
    """The database a production process uses: the one its settings name, nothing else."""
    if not settings.database_url:
        raise DatabaseNotConfiguredError()
    return settings.database_url


class Runtime:
    """The connections of one process, each made on first use and closed together at the end.

    Lazy on purpose: a command that only reads PostgreSQL must not need Temporal, and one that
    only talks to Temporal must not need a database.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        database_url: str | None = None,
        pool_min_size: int = 1,
        pool_max_size: int = 10,
    ) -> None:
        self.settings = settings
        self._database_url = database_url
        self._pool_sizes = (pool_min_size, pool_max_size)
        self._client: Client | None = None
        self._pool: Pool | None = None
        self._signer: LinkSigner | None = None

    @property
    def database_url(self) -> str:
        return self._database_url or configured_database_url(self.settings)

    async def client(self) -> Client:
        if self._client is None:
            self._client = await connect_client(self.settings)
        return self._client

    async def pool(self) -> Pool:
        if self._pool is None:
            min_size, max_size = self._pool_sizes
            self._pool = await create_pool(self.database_url, min_size=min_size, max_size=max_size)
        return self._pool

    def signer(self) -> LinkSigner:
        if self._signer is None:
            self._signer = signer_from_settings(self.settings)
        return self._signer

    async def close(self) -> None:
        # The client holds no resource to release; the pool's connections must be closed.
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    database_url: str | None = None,
    pool_min_size: int = 1,
    pool_max_size: int = 10,
) -> AsyncIterator[Runtime]:
    """The process's connections for the block; the pool is closed when it ends, however."""
    runtime = Runtime(
        settings,
        database_url=database_url,
        pool_min_size=pool_min_size,
        pool_max_size=pool_max_size,
    )
    try:
        yield runtime
    finally:
        await runtime.close()
