"""Hostile roster files: each is refused whole with an error naming line and field, writes
nothing, and never crashes the parser or the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from cli.programme import programme_app
from delivery.email import EmailRenderer
from roster.parse import parse_file
from services import programmes as service
from store.database import Pool

VALID = (Path(__file__).parents[1] / "roster" / "data" / "valid.csv").read_text(encoding="utf-8")
HEADER, FIRST, *REST = VALID.splitlines()
FIFTY_MB = 50 * 1024 * 1024

PERSONAL_TABLES = ("people", "programme_enrolments", "reporting_lines")


def latin1(path: Path) -> None:
    path.write_bytes(VALID.replace("Ada Junior", "Zoë Jüniör").encode("latin-1"))


def utf16(path: Path) -> None:
    path.write_bytes(VALID.encode("utf-16"))


def binary(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)) * 64)


def ragged(path: Path) -> None:
    path.write_text(f"{VALID}j-099,Eve,eve@example.org\n", encoding="utf-8")


def unterminated_quote(path: Path) -> None:
    path.write_text(f'{VALID}"j-100,"Never closed\n', encoding="utf-8")


def fifty_mb_cell(path: Path) -> None:
    # One cell of 50 MB: the CSV reader's field limit stops it, in well under a second.
    with path.open("w", encoding="utf-8") as handle:
        handle.write(VALID)
        handle.write("j-999," + "x" * FIFTY_MB + "\n")


def duplicate_ids(path: Path) -> None:
    path.write_text(VALID + FIRST.replace("ada@", "ada2@") + "\n", encoding="utf-8")


def duplicate_ids_json(path: Path) -> None:
    person = (
        '{"employee_id": "j-1", "display_name": "A", "email": "%s@example.org",'
        ' "department": "IT", "time_zone": "UTC", "languages": ["en"], "career_level": 1,'
        ' "role_preference": "mentor"}'
    )
    path.write_text(f"[{person % 'a'},\n{person % 'b'}]", encoding="utf-8")


def truncated_json(path: Path) -> None:
    path.write_text('[{"employee_id": "j-1", "display_name": ', encoding="utf-8")


HOSTILE: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # name: (writer, field named, words of the message)
    "latin1.csv": (latin1, "encoding", "not UTF-8"),
    "utf16.csv": (utf16, "encoding", "not UTF-8"),
    # It starts like a zip archive, so it is read as a workbook and refused as one.
    "binary.csv": (binary, "file", "not a readable .xlsx workbook"),
    "ragged.csv": (ragged, "row", "3 values for 16 columns"),
    "unterminated.csv": (unterminated_quote, "row", "values for 16 columns"),
    "fifty_mb_cell.csv": (fifty_mb_cell, "row", "field larger than field limit"),
    "duplicate_ids.csv": (duplicate_ids, "employee_id", "duplicate of line 2"),
    "duplicate_ids.json": (duplicate_ids_json, "employee_id", "duplicate of line 1"),
    "truncated.json": (truncated_json, "json", "Expecting value"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_a_hostile_roster_is_refused_whole_with_a_clear_error_and_writes_nothing(
    name: str, tmp_path: Path, pg_pool: Pool
) -> None:
    write, field, words = HOSTILE[name]
    path = tmp_path / name
    write(path)
    parsed = parse_file(path)
    async with pg_pool.acquire() as conn:
        report = await service.enrol_roster(conn, "prog-hostile", parsed, skip_invalid=False)
    assert not report.imported
    assert any(issue.field == field and words in issue.message for issue in report.issues), [
        str(issue) for issue in report.issues
    ]
    for table in PERSONAL_TABLES:
        assert await pg_pool.fetchval(f"SELECT count(*) FROM {table}") == 0, table


def test_a_roster_in_another_encoding_exits_2_from_the_cli_without_a_traceback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    latin1(path)
    result = CliRunner().invoke(programme_app, ["import", str(path), "--programme", "prog-x"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    output = " ".join(result.output.split())
    assert "line 2, encoding: the file is not UTF-8 text" in output
    assert "nothing imported" in output


INJECTIONS = (
    '=HYPERLINK("http://attacker.test";"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
)


def roster_naming(display_name: str) -> str:
    quoted = '"' + display_name.replace('"', '""') + '"'
    return VALID.replace("Ada Junior", quoted)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_formula_and_script_strings_stay_inert_text_in_rendered_mail(payload: str) -> None:
    """Names are data, never markup: the roster keeps them verbatim (twoway exports no CSV a
    spreadsheet would evaluate) and the HTML mail escapes them."""
    parsed = service.parse_roster(roster_naming(payload), "csv")
    assert parsed.issues == []
    person = next(entry for _, entry in parsed.entries if entry.employee_id == "j-001").to_person()
    assert person.display_name == payload
    rendered = EmailRenderer().render(
        "prompt_issued", {"prompt_id": "consent:mentor"}, person, "http://127.0.0.1/inbox"
    )
    assert payload in rendered.text  # plain text is never interpreted
    assert str(escape(payload)) in rendered.html
    assert "<script" not in rendered.html
    assert "<img" not in rendered.html
