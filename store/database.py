"""Connection pools for the PostgreSQL store.

Every connection gets JSON codecs so ``jsonb`` columns take and return plain dicts; without them
asyncpg hands back strings and every caller would have to remember to (de)serialise.
"""

from __future__ import annotations

import json
from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"


async def install_json_codecs(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """Make ``json``/``jsonb`` values (and arrays of them) travel as Python objects."""
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name,
            encoder=json.dumps,
            decoder=json.loads,
            schema="pg_catalog",
        )


async def connect(database_url: str) -> asyncpg.Connection[asyncpg.Record]:
    """One connection with the same codecs as the pool, for scripts and admin work."""
    conn = await asyncpg.connect(database_url)
    await install_json_codecs(conn)
    return conn


async def create_pool(database_url: str, *, min_size: int = 1, max_size: int = 10) -> Pool:
    return await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        init=install_json_codecs,
    )
