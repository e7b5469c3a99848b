"""Importing into PostgreSQL: all or nothing by default, explicit skips, re-import is a no-op."""

from __future__ import annotations

from pathlib import Path

from roster.importer import import_roster, load_candidates, load_reporting_lines
from roster.parse import parse_file
from store.database import Pool

DATA = Path(__file__).parent / "data"


async def snapshot(pool: Pool) -> list[tuple[object, ...]]:
    rows = await pool.fetch(
        "SELECT p.person_id, p.updated_at, e.updated_at AS enrolled_updated, r.updated_at AS line"
        " FROM people p JOIN programme_enrolments e USING (person_id)"
        " JOIN reporting_lines r USING (person_id) ORDER BY p.person_id"
    )
    return [tuple(row) for row in rows]


async def test_a_valid_roster_enrols_everyone_and_fills_the_directory(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        report = await import_roster(conn, "prog-a", parse_file(DATA / "valid.csv"))
        candidates = await load_candidates(conn, "prog-a")
        lines = await load_reporting_lines(conn)
    assert report.imported
    assert report.added == 5
    assert report.issues == ()
    assert [c.person_id for c in candidates] == ["e-020", "j-001", "j-002", "s-010", "s-011"]
    assert lines["j-001"] == "s-010"
    person = await pg_pool.fetchrow("SELECT email, time_zone FROM people WHERE person_id = 'j-001'")
    assert person is not None
    assert (person["email"], person["time_zone"]) == ("ada@example.org", "Europe/Paris")
    profile = await pg_pool.fetchval(
        "SELECT profile::text FROM programme_enrolments WHERE person_id = 'j-001'"
    )
    assert "ada@example.org" not in profile
    assert "Ada" not in profile


async def test_reimporting_the_same_roster_changes_nothing(pg_pool: Pool) -> None:
    parsed = parse_file(DATA / "valid.csv")
    async with pg_pool.acquire() as conn:
        await import_roster(conn, "prog-a", parsed)
        before = await snapshot(pg_pool)
        again = await import_roster(conn, "prog-a", parse_file(DATA / "valid.csv"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert await snapshot(pg_pool) == before


async def test_a_changed_line_is_reported_as_updated(pg_pool: Pool, tmp_path: Path) -> None:
    async with pg_pool.acquire() as conn:
        await import_roster(conn, "prog-a", parse_file(DATA / "valid.csv"))
        changed = tmp_path / "roster.csv"
        text = (DATA / "valid.csv").read_text().replace("Ben Junior", "Ben Renamed")
        changed.write_text(text)
        report = await import_roster(conn, "prog-a", parse_file(changed))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)


async def test_a_partly_bad_file_imports_nothing_by_default(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        report = await import_roster(conn, "prog-b", parse_file(DATA / "partly_bad.csv"))
    assert not report.imported
    assert {issue.line for issue in report.issues} == {3, 4, 5, 6, 7}
    assert await pg_pool.fetchval("SELECT count(*) FROM programme_enrolments") == 0
    assert await pg_pool.fetchval("SELECT count(*) FROM people") == 0


async def test_skipping_invalid_lines_imports_the_rest_and_lists_what_was_skipped(
    pg_pool: Pool,
) -> None:
    async with pg_pool.acquire() as conn:
        report = await import_roster(
            conn, "prog-b", parse_file(DATA / "partly_bad.csv"), skip_invalid=True
        )
        enrolled = [c.person_id for c in await load_candidates(conn, "prog-b")]
    assert report.imported
    assert report.skipped_lines == (3, 4, 5, 6, 7)
    assert enrolled == ["j-001"]
