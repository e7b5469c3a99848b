"""Retention: of the people a programme enrolled, how many left during and after it, beside the
rest of the roster, from every HR leaver event; small groups withheld like the report's."""

from __future__ import annotations

import json
from datetime import date

from domain.programme import ProgrammeTerm
from reporting.retention import programme_retention
from store.database import Connection, Pool
from store.leavers import record_leaver
from store.organisations import set_organisation
from store.people import Person, upsert_person

TERM = ProgrammeTerm(starts_on=date(2026, 1, 5), ends_on=date(2026, 6, 30))
DURING = date(2026, 3, 1)
AFTER = date(2026, 9, 1)
BEFORE = date(2025, 12, 1)
TODAY = date(2026, 11, 30)


async def roster(conn: Connection, organisation: str, prefix: str, count: int) -> list[str]:
    ids = [f"{prefix}-{n}" for n in range(count)]
    for person_id in ids:
        await upsert_person(conn, Person(person_id, f"Name {person_id}", f"{person_id}@x.example"))
    await set_organisation(conn, ids, organisation)
    return ids


async def enrol(conn: Connection, programme_id: str, person_ids: list[str]) -> None:
    await conn.executemany(
        "INSERT INTO programme_enrolments (programme_id, person_id, profile) VALUES ($1, $2, $3)",
        [(programme_id, person_id, json.dumps({})) for person_id in person_ids],
    )


async def test_enrolled_people_are_compared_with_the_rest_of_the_roster(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        enrolled = await roster(conn, "acme", "in", 6)
        others = await roster(conn, "acme", "out", 10)
        await enrol(conn, "prog", enrolled)
        await record_leaver(conn, enrolled[0], "acme", DURING)
        await record_leaver(conn, enrolled[1], "acme", AFTER)
        await record_leaver(conn, others[0], "acme", DURING)
        await record_leaver(conn, others[1], "acme", TERM.ends_on)  # the last day is during
        await record_leaver(conn, others[2], "acme", BEFORE)  # gone before it began
        # Someone HR reported as a leaver but never put in the directory was on the roster too.
        await record_leaver(conn, "not-in-directory", "acme", AFTER)

        report = await programme_retention(conn, "prog", ["acme"], TERM, 5, TODAY)

    assert report.programme_ended
    assert (report.enrolled.people, report.enrolled.left_during, report.enrolled.left_after) == (
        6,
        1,
        1,
    )
    assert report.enrolled.left_during_rate == 0.17
    assert (
        report.not_enrolled.people,
        report.not_enrolled.left_during,
        report.not_enrolled.left_after,
    ) == (10, 2, 1)
    assert report.not_enrolled.left_after_rate == 0.1


async def test_a_small_group_is_withheld_and_so_is_the_other(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        enrolled = await roster(conn, "acme", "in", 3)
        await roster(conn, "acme", "out", 20)
        await enrol(conn, "prog", enrolled)
        await record_leaver(conn, enrolled[0], "acme", DURING)

        report = await programme_retention(conn, "prog", ["acme"], TERM, 5, TODAY)

    assert report.enrolled.suppressed
    assert report.enrolled.reason == "small_group"
    assert report.enrolled.people is None
    assert report.enrolled.left_during is None
    # The roster's size minus the rest would give the small group away.
    assert report.not_enrolled.suppressed
    assert report.not_enrolled.reason == "complementary"
    assert report.not_enrolled.people is None


async def test_one_organisations_figures_count_its_own_people_only(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        acme_in = await roster(conn, "acme", "a-in", 5)
        globex_in = await roster(conn, "globex", "g-in", 5)
        await roster(conn, "acme", "a-out", 5)
        await roster(conn, "globex", "g-out", 5)
        await roster(conn, "initech", "i-out", 7)  # not a member: not on this roster
        await enrol(conn, "prog", acme_in + globex_in)
        await record_leaver(conn, globex_in[0], "globex", DURING)

        joint = await programme_retention(conn, "prog", ["acme", "globex"], TERM, 5, TODAY)
        acme = await programme_retention(conn, "prog", ["acme"], TERM, 5, TODAY)

    assert (joint.enrolled.people, joint.enrolled.left_during) == (10, 1)
    assert joint.not_enrolled.people == 10
    assert (acme.enrolled.people, acme.enrolled.left_during) == (5, 0)
    assert acme.not_enrolled.people == 5


async def test_a_replayed_leaver_event_moves_the_day_and_counts_once(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        enrolled = await roster(conn, "acme", "in", 5)
        await roster(conn, "acme", "out", 5)
        await enrol(conn, "prog", enrolled)
        await record_leaver(conn, enrolled[0], "acme", DURING)
        await record_leaver(conn, enrolled[0], "acme", AFTER)

        while_running = await programme_retention(conn, "prog", ["acme"], TERM, 5, TERM.ends_on)

    assert (while_running.enrolled.left_during, while_running.enrolled.left_after) == (0, 1)
    assert not while_running.programme_ended


async def test_when_everyone_enrolled_the_empty_rest_withholds_nothing(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        enrolled = await roster(conn, "acme", "in", 5)
        await enrol(conn, "prog", enrolled)
        report = await programme_retention(conn, "prog", ["acme"], TERM, 5, TODAY)
    assert not report.enrolled.suppressed
    assert report.enrolled.people == 5
    assert not report.not_enrolled.suppressed
    assert report.not_enrolled.people == 0
