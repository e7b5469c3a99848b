"""Rosters as HR systems export them are read as if they were twoway's own CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster.importer import import_roster
from roster.parse import ParsedRoster, parse_bytes, parse_csv, parse_file
from store.database import Pool
from tests.roster.exports import DATA, excel_semicolon_csv, xlsx_workbook


def people(parsed: ParsedRoster) -> dict[str, object]:
    return {entry.employee_id: entry for _, entry in parsed.entries}


@pytest.mark.parametrize("export", [excel_semicolon_csv, xlsx_workbook], ids=["csv;", "xlsx"])
def test_an_hr_export_reads_exactly_like_the_canonical_csv(export: object) -> None:
    assert callable(export)
    parsed = parse_bytes(export(), is_json=False)
    assert parsed.issues == []
    assert people(parsed) == people(parse_file(DATA / "valid.csv"))


def test_the_parse_says_which_column_was_read_as_which_field() -> None:
    parsed = parse_bytes(excel_semicolon_csv(), is_json=False)
    assert parsed.columns_read_as["Timezone"] == "time_zone"
    assert parsed.columns_read_as["Level"] == "career_level"
    assert parsed.columns_read_as["Role"] == "role_preference"
    assert parsed.columns_read_as["Employee ID"] == "employee_id"


def test_a_bad_line_in_a_semicolon_export_is_named_by_its_line() -> None:
    text = excel_semicolon_csv().decode("utf-8-sig").replace("ada@example.org", "ada-at-example")
    found = {(issue.line, issue.field) for issue in parse_csv(text).issues}
    assert found == {(2, "email")}


def test_a_bad_row_in_a_workbook_is_named_by_its_excel_row(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_workbook())
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet["I3"] = "senior"  # Level of the second person: not a number
    workbook.save(path)
    found = {(issue.line, issue.field) for issue in parse_file(path).issues}
    assert found == {(3, "career_level")}


def test_two_columns_read_as_the_same_field_are_refused() -> None:
    text = "employee_id,display_name,timezone,time_zone\n"
    issues = {(issue.line, issue.field): issue.message for issue in parse_csv(text).issues}
    assert issues[(1, "time_zone")] == "read as time_zone, which an earlier column already gives"


def test_a_file_that_only_looks_like_a_workbook_gets_a_clear_error() -> None:
    parsed = parse_bytes(b"PK\x03\x04 not really a zip", is_json=False)
    assert [(issue.line, issue.field) for issue in parsed.issues] == [(1, "file")]
    assert "not a readable .xlsx workbook" in parsed.issues[0].message


async def test_a_workbook_import_enrols_everyone_and_reports_its_columns(pg_pool: Pool) -> None:
    async with pg_pool.acquire() as conn:
        report = await import_roster(conn, "prog-xlsx", parse_bytes(xlsx_workbook(), is_json=False))
    assert report.imported
    assert report.added == 5
    assert ("Timezone", "time_zone") in report.columns_read_as
