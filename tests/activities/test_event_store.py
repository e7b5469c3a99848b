from __future__ import annotations

import asyncpg
import pytest

from store.database import Pool
from store.event_store import NewEvent, append_events, read_stream
from tests.activities.builders import START


def new_event(version: int, payload: dict[str, object] | None = None) -> NewEvent:
    return NewEvent(
        stream_version=version,
        event_type="CheckInAnswered",
        schema_version=1,
        occurred_at=START,
        data=payload if payload is not None else {"answers": {"satisfaction": 4}, "n": version},
    )


async def test_appended_events_read_back_in_order_with_their_json_data(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        assert await append_events(conn, "rel-a", [new_event(1), new_event(2)]) == 2
        stored = await read_stream(conn, "rel-a")

    assert [e.stream_version for e in stored] == [1, 2]
    assert stored[0].data == {"answers": {"satisfaction": 4}, "n": 1}
    assert stored[0].occurred_at == START
    assert stored[0].global_position < stored[1].global_position


async def test_appending_a_taken_position_again_adds_nothing(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        await append_events(conn, "rel-a", [new_event(1)])
        assert await append_events(conn, "rel-a", [new_event(1), new_event(2)]) == 1
        assert len(await read_stream(conn, "rel-a")) == 2


async def test_streams_are_independent(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        await append_events(conn, "rel-a", [new_event(1)])
        assert await append_events(conn, "rel-b", [new_event(1)]) == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET data = '{}'::jsonb",
        "DELETE FROM events",
        "TRUNCATE events",
    ],
)
async def test_the_events_table_refuses_to_change_history(pg_pool: Pool, statement: str) -> None:
    async with pg_pool.acquire() as conn:
        await append_events(conn, "rel-a", [new_event(1)])
        with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
            await conn.execute(statement)
        assert len(await read_stream(conn, "rel-a")) == 1
