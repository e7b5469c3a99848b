from __future__ import annotations

from datetime import time

import asyncpg
import pytest

from store.database import Pool
from store.people import Person, get_person, upsert_person
from tests.delivery.conftest import person


async def test_a_person_round_trips_with_the_default_working_week(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        await upsert_person(conn, person("emp-17", time_zone="Europe/Paris"))
        stored = await get_person(conn, "emp-17")

    assert stored == person("emp-17", time_zone="Europe/Paris")
    assert stored is not None
    assert (stored.working_hours_start, stored.working_hours_end) == (time(9), time(17, 30))
    assert stored.working_days == (1, 2, 3, 4, 5)


async def test_a_roster_re_import_updates_the_person(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        await upsert_person(conn, person("emp-17"))
        await upsert_person(conn, person("emp-17", email="new@example.test", working_days=(1, 2)))
        stored = await get_person(conn, "emp-17")

    assert stored is not None
    assert (stored.email, stored.working_days) == ("new@example.test", (1, 2))


async def test_an_unknown_person_is_none(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        assert await get_person(conn, "nobody") is None


async def test_working_hours_must_not_end_before_they_start(pg_pool: Pool) -> None:
    upside_down = person("p", working_hours_start=time(18), working_hours_end=time(8))
    async with pg_pool.acquire() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await upsert_person(conn, upside_down)


def test_a_person_never_shows_name_or_address_in_logs() -> None:
    shown = repr(Person(person_id="emp-17", display_name="Ada Lovelace", email="ada@example.test"))

    assert "emp-17" in shown
    assert "Ada" not in shown
    assert "ada@" not in shown
