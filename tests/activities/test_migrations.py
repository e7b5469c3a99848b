from __future__ import annotations

import asyncio

import asyncpg

from store.database import connect
from store.migrations import apply_migrations, available_migrations

ALL_LABELS = [m.label for m in available_migrations()]


async def test_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in available_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_migrations_apply_once_and_a_second_run_applies_nothing(
    empty_database_url: str,
) -> None:
    conn = await connect(empty_database_url)
    try:
        assert await apply_migrations(conn) == ALL_LABELS
        assert await apply_migrations(conn) == []
        rows = await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in rows] == [m.version for m in available_migrations()]
    finally:
        await conn.close()


async def test_processes_migrating_at_the_same_time_apply_each_migration_once(
    empty_database_url: str,
) -> None:
    pools = [await asyncpg.create_pool(empty_database_url, min_size=1) for _ in range(4)]
    try:
        results = await asyncio.gather(*(apply_migrations(pool) for pool in pools))
        async with pools[0].acquire() as conn:
            applied_rows = await conn.fetchval("SELECT count(*) FROM schema_migrations")
    finally:
        await asyncio.gather(*(pool.close() for pool in pools))

    applied = [label for result in results for label in result]
    assert sorted(applied) == ALL_LABELS
    assert sum(1 for result in results if result) == 1
    assert applied_rows == len(ALL_LABELS)
