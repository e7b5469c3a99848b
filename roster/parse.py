"""Reading CSV and JSON rosters into validated entries, with errors that name line and field.

CSV (`,`, `;`, tab or `|`, detected from the header) or the first sheet of an `.xlsx` workbook:
one header row with the field names of `RosterEntry` or their aliases (`roster/columns.py`); list
fields separated by ';'; diversity attributes as `diversity_<attribute>` columns, stored only with
`diversity_consent`.
JSON: an array of objects with the same field names; lists as arrays, `diversity` as an object.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from roster.columns import DIVERSITY_PREFIX, KNOWN_FIELDS, field_for
from roster.model import LIST_FIELDS, RosterEntry
from roster.spreadsheet import UnreadableWorkbookError, looks_like_xlsx, xlsx_rows

DELIMITERS = (",", ";", "\t", "|")
REQUIRED_FIELDS = frozenset(
    name for name, info in RosterEntry.model_fields.items() if info.is_required()
)
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})


@dataclass(frozen=True)
class RosterIssue:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class ParsedRoster:
    entries: list[tuple[int, RosterEntry]] = field(default_factory=list)
    issues: list[RosterIssue] = field(default_factory=list)
    # Header as written -> field it was read as, for columns not named exactly like the field.
    columns_read_as: dict[str, str] = field(default_factory=dict)

    @property
    def bad_lines(self) -> set[int]:
        return {issue.line for issue in self.issues}


def parse_file(path: Path) -> ParsedRoster:
    return parse_bytes(path.read_bytes(), is_json=path.suffix.lower() == ".json")


def parse_bytes(raw: bytes, *, is_json: bool) -> ParsedRoster:
    """A roster as uploaded or read from disk: an .xlsx workbook (recognised by its content),
    or UTF-8 text (with or without BOM) holding CSV or JSON."""
    if looks_like_xlsx(raw):
        return parse_xlsx(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Spreadsheet exports in Latin-1 or UTF-16 are common: say so instead of crashing.
        return _not_utf8(raw, error)
    return parse_json(text) if is_json else parse_csv(text)


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> ParsedRoster:
    line = raw.count(b"\n", 0, error.start) + 1
    byte = raw[error.start]
    parsed = ParsedRoster()
    parsed.issues.append(
        RosterIssue(
            line,
            "encoding",
            f"the file is not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8 and try again",
        )
    )
    return parsed


def parse_csv(text: str) -> ParsedRoster:
    """CSV with `,`, `;` (what Excel writes where the decimal mark is a comma), tab or `|`."""
    return _parse_table(_csv_rows(text.removeprefix("\ufeff"), detect_delimiter(text)))


def parse_xlsx(raw: bytes) -> ParsedRoster:
    """The first sheet of a workbook, its first row the header; line numbers are Excel's rows."""
    try:
        return _parse_table(xlsx_rows(raw))
    except UnreadableWorkbookError as error:
        return ParsedRoster(issues=[RosterIssue(1, "file", str(error))])


def detect_delimiter(text: str) -> str:
    """The delimiter under which the header names the most known columns (`,` on a tie)."""
    header = text.removeprefix("\ufeff").split("\n", 1)[0]
    best, best_known = ",", -1
    for delimiter in DELIMITERS:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        known = sum(1 for cell in cells if field_for(cell) is not None)
        if known > best_known:
            best, best_known = delimiter, known
    return best


class _UnreadableRowError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    while True:
        start = reader.line_num + 1  # a quoted cell may span lines: report where the row starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _UnreadableRowError(start, f"unreadable CSV: {error}") from None
        yield start, row


def _parse_table(rows: Iterator[tuple[int, list[str]]]) -> ParsedRoster:
    parsed = ParsedRoster()
    try:
        first = next(rows, None)
        if first is None:
            parsed.issues.append(RosterIssue(1, "header", "the file is empty"))
            return parsed
        header_line, header = first
        columns = _read_header(header_line, header, parsed)
        for line, row in rows:
            _read_row(line, row, columns, parsed)
    except _UnreadableRowError as error:
        parsed.issues.append(RosterIssue(error.line, "row", str(error)))
    _cross_check(parsed)
    return parsed


def _read_row(line: int, row: list[str], columns: list[str] | None, parsed: ParsedRoster) -> None:
    if not any(cell.strip() for cell in row):
        return
    width = len(columns) if columns is not None else len(row)
    if len(row) > width and not any(cell.strip() for cell in row[width:]):
        row = row[:width]  # empty cells right of the table, as spreadsheets export them
    if len(row) != width:
        parsed.issues.append(RosterIssue(line, "row", f"{len(row)} values for {width} columns"))
        return
    if columns is not None:
        _validate(line, _from_csv_row(dict(zip(columns, row, strict=True))), parsed)


def parse_json(text: str) -> ParsedRoster:
    parsed = ParsedRoster()
    try:
        items = list(_json_array_items(text))
    except json.JSONDecodeError as error:
        parsed.issues.append(RosterIssue(error.lineno, "json", error.msg))
        return parsed
    except ValueError as error:
        parsed.issues.append(RosterIssue(1, "json", str(error)))
        return parsed
    except RecursionError:
        # Arrays nested thousands deep: no roster looks like that, and json gives up on it.
        parsed.issues.append(RosterIssue(1, "json", "nested too deeply"))
        return parsed
    for line, item in items:
        if not isinstance(item, dict):
            parsed.issues.append(RosterIssue(line, "row", "each entry must be a JSON object"))
            continue
        unknown = sorted(set(item) - KNOWN_FIELDS)
        for name in unknown:
            parsed.issues.append(RosterIssue(line, name, "unknown field"))
        if not unknown:
            _validate(line, {k: _split_if_text(k, v) for k, v in item.items()}, parsed)
    _cross_check(parsed)
    return parsed


def _json_array_items(text: str) -> Iterator[tuple[int, Any]]:
    """Each element of the top-level array with the line it starts on."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise ValueError("a JSON roster is an array of people: [ {...}, {...} ]")
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return
    while True:
        line = text.count("\n", 0, position) + 1
        item, position = decoder.raw_decode(text, position)
        yield line, item
        position = _skip_space(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            return
        raise json.JSONDecodeError("expected ',' or ']'", text, position)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _read_header(line: int, header: list[str], parsed: ParsedRoster) -> list[str] | None:
    """The field each column is read as, or None when the header is unusable (issues added)."""
    while header and not header[-1].strip():
        header = header[:-1]  # spreadsheets export empty columns right of the table
    columns: list[str] = []
    ok = True
    for name in header:
        field_name = field_for(name)
        if field_name is None:
            parsed.issues.append(RosterIssue(line, name.strip(), "unknown column"))
            ok = False
            continue
        if field_name in columns:
            message = f"read as {field_name}, which an earlier column already gives"
            parsed.issues.append(RosterIssue(line, name.strip(), message))
            ok = False
        if name.strip() != field_name:
            parsed.columns_read_as[name.strip()] = field_name
        columns.append(field_name)
    for name in sorted(REQUIRED_FIELDS - set(columns)):
        parsed.issues.append(RosterIssue(line, name, "required column is missing"))
        ok = False
    return columns if ok else None


def _from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    diversity: dict[str, str] = {}
    for name, raw in row.items():
        cell = raw.strip()
        if name == "diversity_consent":
            values[name] = _consent(cell)
        elif name.startswith(DIVERSITY_PREFIX):
            if cell:
                diversity[name.removeprefix(DIVERSITY_PREFIX)] = cell
        elif cell == "":
            continue  # an empty cell means "not given": the field's default applies
        else:
            values[name] = _split_if_text(name, cell)
    if diversity:
        values["diversity"] = diversity
    return values


def _consent(cell: str) -> bool | str:
    word = cell.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return cell  # left for pydantic to reject with its own message


def _split_if_text(name: str, value: Any) -> Any:
    if name in LIST_FIELDS and isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _validate(line: int, values: dict[str, Any], parsed: ParsedRoster) -> None:
    try:
        parsed.entries.append((line, RosterEntry.model_validate(values)))
    except ValidationError as error:
        for problem in error.errors():
            parsed.issues.append(RosterIssue(line, _field_of(problem), _message(problem)))


def _field_of(problem: Any) -> str:
    location = [str(part) for part in problem["loc"]]
    if location:
        return location[0] if location[0] != "diversity" else ".".join(location[:2])
    # Model-level rules name their field at the start of the message ("manager_id: ...").
    message = str(problem["msg"]).removeprefix("Value error, ")
    return message.split(":", 1)[0] if ":" in message else "row"


def _message(problem: Any) -> str:
    message = str(problem["msg"]).removeprefix("Value error, ")
    if not problem["loc"] and ":" in message:
        return message.split(":", 1)[1].strip()
    return message


def _cross_check(parsed: ParsedRoster) -> None:
    """Rules that need the whole file: unique ids and e-mails, no management cycle."""
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for line, entry in parsed.entries:
        if entry.employee_id in seen_ids:
            parsed.issues.append(
                RosterIssue(line, "employee_id", f"duplicate of line {seen_ids[entry.employee_id]}")
            )
        else:
            seen_ids[entry.employee_id] = line
        email = entry.email.lower()
        if email in seen_emails:
            parsed.issues.append(
                RosterIssue(line, "email", f"already used on line {seen_emails[email]}")
            )
        else:
            seen_emails[email] = line
    manager_of = {e.employee_id: e.manager_id for _, e in parsed.entries if e.manager_id}
    for line, entry in parsed.entries:
        if _in_cycle(entry.employee_id, manager_of):
            parsed.issues.append(
                RosterIssue(line, "manager_id", "the management chain loops back to this person")
            )


def _in_cycle(person_id: str, manager_of: dict[str, str]) -> bool:
    seen: set[str] = set()
    current = manager_of.get(person_id)
    while current is not None and current not in seen:
        if current == person_id:
            return True
        seen.add(current)
        current = manager_of.get(current)
    return False
