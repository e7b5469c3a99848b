"""Roster files are validated line by line, and every error names its line and field."""

from __future__ import annotations

from pathlib import Path

from roster.parse import parse_csv, parse_file, parse_json

DATA = Path(__file__).parent / "data"


def issues_of(text: str) -> set[tuple[int, str]]:
    return {(issue.line, issue.field) for issue in parse_csv(text).issues}


def test_a_valid_csv_yields_every_person_with_lists_split() -> None:
    parsed = parse_file(DATA / "valid.csv")
    assert parsed.issues == []
    entries = {entry.employee_id: entry for _, entry in parsed.entries}
    assert set(entries) == {"j-001", "j-002", "s-010", "s-011", "e-020"}
    ada = entries["j-001"]
    assert ada.languages == ["en", "fr"]
    assert ada.skills_to_share == ["social media", "generative ai"]
    assert ada.diversity == {"gender": "f"}
    assert entries["j-002"].capacity == 2
    assert entries["s-010"].manager_id is None


def test_diversity_is_kept_only_with_consent_and_never_reaches_the_directory() -> None:
    entries = {e.employee_id: e for _, e in parse_file(DATA / "valid.csv").entries}
    assert entries["j-001"].to_candidate().diversity == {"gender": "f"}
    assert entries["s-011"].to_candidate().diversity == {}
    assert "gender" not in repr(entries["j-001"].to_person())


def test_a_valid_json_roster_gives_the_same_people_as_csv() -> None:
    parsed = parse_file(DATA / "valid.json")
    assert parsed.issues == []
    from_csv = {e.employee_id: e for _, e in parse_file(DATA / "valid.csv").entries}
    for _, entry in parsed.entries:
        if entry.employee_id == "j-001":
            assert entry == from_csv["j-001"]
    assert [line for line, _ in parsed.entries] == [2, 10]


def test_each_error_points_at_the_right_line_and_field() -> None:
    found = {(i.line, i.field) for i in parse_file(DATA / "partly_bad.csv").issues}
    assert found == {
        (3, "email"),
        (4, "time_zone"),
        (4, "role_preference"),
        (5, "employee_id"),
        (6, "diversity_consent"),
        (7, "career_level"),
    }


def test_messages_say_what_is_wrong() -> None:
    by_place = {(i.line, i.field): i.message for i in parse_file(DATA / "partly_bad.csv").issues}
    assert "duplicate of line 2" in by_place[(5, "employee_id")]
    assert "Mars/Olympus" in by_place[(4, "time_zone")]
    assert str(parse_file(DATA / "partly_bad.csv").issues[0]).startswith("line ")


def test_header_problems_are_reported_on_line_one() -> None:
    assert issues_of("employee_id,nickname\n") >= {(1, "nickname"), (1, "email")}


def test_quoted_multiline_cells_keep_later_line_numbers_right() -> None:
    header = (
        "employee_id,display_name,email,department,time_zone,languages,career_level,role_preference"
    )
    text = "\n".join(
        [
            header,
            'a-1,Ann,ann@example.org,"IT\nOperations",UTC,en,2,mentor',
            "a-2,Bo,not-an-email,IT,UTC,en,2,mentor",
        ]
    )
    assert issues_of(text) == {(4, "email")}


def test_json_errors_name_the_line_of_the_object_or_of_the_syntax_error() -> None:
    text = '[\n  {"employee_id": "a-1"},\n  {"employee_id": "a-2",\n   "colour": "red"}\n]'
    found = {(i.line, i.field) for i in parse_json(text).issues}
    assert (2, "email") in found
    assert (3, "colour") in found
    broken = parse_json('[\n  {"employee_id": "a-1",}\n]')
    assert [(i.line, i.field) for i in broken.issues] == [(2, "json")]


def test_a_management_cycle_is_an_error_on_each_line_in_it() -> None:
    header = (
        "employee_id,display_name,email,department,time_zone,languages,career_level,"
        "role_preference,manager_id"
    )
    rows = [
        "a-1,A,a@example.org,IT,UTC,en,2,mentor,a-2",
        "a-2,B,b@example.org,IT,UTC,en,5,mentee,a-1",
        "a-3,C,c@example.org,IT,UTC,en,5,mentee,",
    ]
    assert issues_of("\n".join([header, *rows])) == {(2, "manager_id"), (3, "manager_id")}
