"""Versioned schema migrations shipped as ``store/migrations/NNNN_name.sql``.

Each file runs once, in version order, in its own transaction together with its row in
``schema_migrations``, so a failure leaves the database at the last complete version.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files

import asyncpg
import structlog

from store.database import Connection, Pool

# Any fixed number works; it only has to be the same in every process that migrates this database.
MIGRATION_LOCK_ID = 7_420_913_001

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    int         PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""

_APPLIED_VERSIONS = "SELECT version FROM schema_migrations"

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


def available_migrations() -> list[Migration]:
    """The migrations shipped with this code, oldest first."""
    migrations: list[Migration] = []
    for entry in files("store").joinpath("migrations").iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            continue
        migrations.append(
            Migration(
                version=int(match["version"]),
                name=match["name"],
                sql=entry.read_text(encoding="utf-8"),
            )
        )
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a version number: {versions}")
    return migrations


async def apply_migrations(pool_or_conn: Pool | Connection) -> list[str]:
    """Apply the pending migrations; returns the labels (``0001_event_store``) it applied.

    Safe to call from several processes at once: a session advisory lock makes them take turns,
    and whoever comes second finds nothing left to do.
    """
    async with _connection(pool_or_conn) as conn, _migration_lock(conn):
        await conn.execute(_CREATE_LEDGER)
        applied = {row["version"] for row in await conn.fetch(_APPLIED_VERSIONS)}
        done: list[str] = []
        for migration in available_migrations():
            if migration.version in applied:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            log.info("migration_applied", migration=migration.label)
            done.append(migration.label)
        return done


@asynccontextmanager
async def _connection(pool_or_conn: Pool | Connection) -> AsyncIterator[Connection]:
    if isinstance(pool_or_conn, asyncpg.Pool):
        async with pool_or_conn.acquire() as conn:
            yield conn
    else:
        yield pool_or_conn


@asynccontextmanager
async def _migration_lock(conn: Connection) -> AsyncIterator[None]:
    # A session lock (not a transaction lock) because each migration commits on its own.
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_ID)
    try:
        yield
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_ID)
