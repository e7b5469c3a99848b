"""Reading CSV and JSON rosters into validated entries, with errors that name line and field.

CSV: one header row with the field names of `RosterEntry`; list fields separated by ';';
diversity attributes as `diversity_<attribute>` columns, stored only with `diversity_consent`.
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

from roster.model import LIST_FIELDS, RosterEntry

DIVERSITY_PREFIX = "diversity_"
KNOWN_FIELDS = frozenset(RosterEntry.model_fields)
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

    @property
    def bad_lines(self) -> set[int]:
        return {issue.line for issue in self.issues}


def parse_file(path: Path) -> ParsedRoster:
    return parse_bytes(path.read_bytes(), is_json=path.suffix.lower() == ".json")


def parse_bytes(raw: bytes, *, is_json: bool) -> ParsedRoster:
    """A roster as uploaded or read from disk: UTF-8 (with or without BOM), CSV or JSON."""
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
    parsed = ParsedRoster()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        parsed.issues.append(RosterIssue(1, "header", "the file is empty"))
        return parsed
    columns = [name.strip() for name in header]
    header_ok = _check_header(columns, parsed)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.issues.append(RosterIssue(start, "row", f"unreadable CSV: {error}"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            parsed.issues.append(
                RosterIssue(start, "row", f"{len(row)} values for {len(columns)} columns")
            )
            continue
        if header_ok:
            _validate(start, _from_csv_row(dict(zip(columns, row, strict=True))), parsed)
    _cross_check(parsed)
    return parsed


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


def _check_header(columns: list[str], parsed: ParsedRoster) -> bool:
    ok = True
    for name in columns:
        if name not in KNOWN_FIELDS and not name.startswith(DIVERSITY_PREFIX):
            parsed.issues.append(RosterIssue(1, name, "unknown column"))
            ok = False
    for name in sorted(REQUIRED_FIELDS - set(columns)):
        parsed.issues.append(RosterIssue(1, name, "required column is missing"))
        ok = False
    return ok


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
