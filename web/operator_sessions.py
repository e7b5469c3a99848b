"""Operator sign-in sessions: the cookie holds a random session id, never the operator token.

A cookie that *was* the token would hand the token to anything that reads the cookie (a proxy
log, a browser profile, a shared machine) for good; a session id ends when it expires or at
sign-out, in every web process at once, since the sessions live in PostgreSQL (as digests only).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from store.database import Pool
from web.sql_files import load_sql

SESSION_LIFETIME = timedelta(hours=12)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def open_session(pool: Pool, now: datetime) -> str:
    """A new session id, valid for ``SESSION_LIFETIME``."""
    session_id = secrets.token_urlsafe(32)
    async with pool.acquire() as conn:
        await conn.execute(
            load_sql("insert_operator_session"), _digest(session_id), now + SESSION_LIFETIME
        )
    return session_id


async def session_is_open(pool: Pool, session_id: str, now: datetime) -> bool:
    if not session_id:
        return False
    async with pool.acquire() as conn:
        return bool(
            await conn.fetchval(load_sql("operator_session_is_open"), _digest(session_id), now)
        )


async def close_session(pool: Pool, session_id: str, now: datetime) -> None:
    async with pool.acquire() as conn:
        await conn.execute(load_sql("delete_operator_session"), _digest(session_id), now)
