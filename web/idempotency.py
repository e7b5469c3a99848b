"""`Idempotency-Key` for the creating POSTs (programmes, pairs, roster imports).

The first request with a key claims it, runs, and stores its answer; a retry with the same key
and the same request gets that stored answer back (header `Idempotent-Replayed: true`), and the
same key with a *different* request is a 422 naming the header. Only successful answers are
stored: an error frees the key, so a corrected retry is not stuck with the first refusal.
Keys belong to the API key that sent them (kept as its digest) and expire after a day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse

from store.database import Pool
from web.problems import FieldProblem, ProblemError
from web.sql_files import load_sql

HEADER = "Idempotency-Key"
KEY_TTL_SECONDS = 24 * 3600.0
# A claim never completed by then belongs to a request that died (crash, cancelled client).
ABANDONED_AFTER_SECONDS = 120.0
_FIELD = f"header.{HEADER}"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        pattern=r"^[!-~]{1,255}$",
        description=(
            "Optional, 1-255 visible ASCII characters, e.g. a UUID. A retry with the same key and"
            " body gets the first answer again; the same key with another body is a 422."
            " Kept for 24 hours."
        ),
    ),
]


@dataclass(frozen=True)
class Answer:
    """A JSON answer that can be stored and given again."""

    status_code: int
    body: dict[str, Any]
    location: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def response(self, *, replayed: bool = False) -> JSONResponse:
        headers = dict(self.extra_headers)
        if self.location is not None:
            headers["Location"] = self.location
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return JSONResponse(self.body, status_code=self.status_code, headers=headers)


def fingerprint(*parts: str | bytes) -> str:
    """A digest of the request; parts are length-prefixed so no two splits collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _reused() -> ProblemError:
    return ProblemError(
        422,
        "idempotency-key-reused",
        "This Idempotency-Key was used for a different request",
        "Use a new key for a new request; a retry must repeat the first request exactly.",
        errors=[
            FieldProblem(
                field=_FIELD,
                message="already used with a different request body or path",
                code="idempotency_key_reused",
            )
        ],
    )


def _in_progress() -> ProblemError:
    return ProblemError(
        409,
        "idempotency-key-in-progress",
        "A request with this Idempotency-Key is still being answered",
        "Retry in a moment to get its answer.",
        headers={"Retry-After": "1"},
    )


async def _claim(pool: Pool, owner: str, key: str, print_: str) -> Answer | None:
    """None when this request now owns the key; otherwise the stored answer to give again."""
    async with pool.acquire() as conn:
        await conn.execute(load_sql("purge_idempotency_keys"), KEY_TTL_SECONDS)
        claimed = await conn.fetchval(
            load_sql("claim_idempotency_key"),
            owner,
            key,
            print_,
            KEY_TTL_SECONDS,
            ABANDONED_AFTER_SECONDS,
        )
        if claimed is not None:
            return None
        row = await conn.fetchrow(load_sql("select_idempotency_key"), owner, key)
    if row is None:
        raise _in_progress()  # freed between our two statements: a retry will claim it
    if row["fingerprint"] != print_:
        raise _reused()
    if row["status_code"] is None:
        raise _in_progress()
    return Answer(row["status_code"], row["response_body"], row["location"])


async def idempotent(
    pool: Pool,
    *,
    owner: str,
    key: str | None,
    request_print: str,
    produce: Callable[[], Awaitable[Answer]],
) -> JSONResponse:
    """Answer with `produce()` once per (owner, key); see the module docstring."""
    if key is None:
        return (await produce()).response()
    stored = await _claim(pool, owner, key, request_print)
    if stored is not None:
        return stored.response(replayed=True)
    try:
        answer = await produce()
    except BaseException:
        async with pool.acquire() as conn:
            await conn.execute(load_sql("release_idempotency_key"), owner, key, request_print)
        raise
    async with pool.acquire() as conn:
        await conn.execute(
            load_sql("complete_idempotency_key"),
            owner,
            key,
            request_print,
            answer.status_code,
            answer.body,
            answer.location,
        )
    return answer.response()
