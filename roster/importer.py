"""Importing a validated roster into PostgreSQL, all of it in one transaction.

Partly bad files: by default nothing is imported when any line is invalid (every problem is
reported, the caller exits non-zero). With `skip_invalid=True` the valid lines are imported and
the report lists every skipped line, so nothing is ever half-imported without saying so.
Re-importing the same roster changes no row (the upserts skip identical values).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files

from domain.matching.hierarchy import ReportingLines
from domain.matching.model import Candidate
from roster.model import RosterEntry
from roster.parse import ParsedRoster, RosterIssue
from store.database import Connection
from store.organisations import DEFAULT_ORGANISATION, organisations_of, set_organisation
from store.people import emails_of, record_email_change


@cache
def load_sql(name: str) -> str:
    return files("roster").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


# Who changed an address when the roster came from the command line (an operator at the host).
CLI_IMPORT = "roster import (command line)"


@dataclass(frozen=True)
class ImportReport:
    imported: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_lines: tuple[int, ...] = ()
    issues: tuple[RosterIssue, ...] = field(default_factory=tuple)
    # Header as written -> field it was read as, where the two differ (aliases, spacing, case).
    columns_read_as: tuple[tuple[str, str], ...] = ()


async def import_roster(
    conn: Connection,
    programme_id: str,
    parsed: ParsedRoster,
    *,
    skip_invalid: bool = False,
    changed_by: str = CLI_IMPORT,
    organisation: str = DEFAULT_ORGANISATION,
) -> ImportReport:
    """Enrol the roster's people in the programme, as people of ``organisation`` (lines naming
    another one are refused by `with_organisation_issues`); see the module docstring for bad
    files."""
    issues = tuple(sorted(parsed.issues, key=lambda i: (i.line, i.field)))
    if issues and not skip_invalid:
        return ImportReport(imported=False, issues=issues, columns_read_as=_read_as(parsed))
    bad = parsed.bad_lines
    entries = [entry for line, entry in parsed.entries if line not in bad]
    async with conn.transaction():
        addresses_before = await emails_of(conn, [entry.employee_id for entry in entries])
        changed_people = await _upsert_people(conn, entries)
        await set_organisation(conn, [entry.employee_id for entry in entries], organisation)
        # A changed address is confirmed to the old one, naming who changed it.
        await confirm_email_changes(conn, addresses_before, entries, changed_by)
        changed_lines = await _upsert_reporting_lines(conn, entries)
        changed_enrolments = await _upsert_enrolments(conn, programme_id, entries, organisation)
    added = {pid for pid, inserted in changed_enrolments.items() if inserted}
    touched = set(changed_people) | set(changed_lines) | set(changed_enrolments)
    return ImportReport(
        imported=True,
        added=len(added),
        updated=len(touched - added),
        unchanged=len(entries) - len(touched | added),
        skipped_lines=tuple(sorted(bad)),
        issues=issues,
        columns_read_as=_read_as(parsed),
    )


async def with_organisation_issues(
    conn: Connection, parsed: ParsedRoster, organisation: str
) -> ParsedRoster:
    """``parsed`` with a problem on each line that is not ``organisation``'s to import: one whose
    `organisation` column names another, or whose person belongs to another (ids are one
    namespace; another organisation's person is never overwritten)."""
    known = await organisations_of(conn, [entry.employee_id for _, entry in parsed.entries])
    issues = list(parsed.issues)
    for line, entry in parsed.entries:
        if entry.organisation not in (None, organisation):
            issues.append(RosterIssue(line, "organisation", "is not the importing organisation"))
        elif known.get(entry.employee_id, organisation) != organisation:
            issues.append(RosterIssue(line, "employee_id", "is a person of another organisation"))
    return replace(parsed, issues=issues)


def _read_as(parsed: ParsedRoster) -> tuple[tuple[str, str], ...]:
    return tuple(parsed.columns_read_as.items())


async def confirm_email_changes(
    conn: Connection,
    addresses_before: dict[str, str],
    entries: list[RosterEntry],
    changed_by: str,
) -> None:
    for entry in entries:
        before = addresses_before.get(entry.employee_id)
        if before is not None and before.casefold() != entry.email.casefold():
            await record_email_change(conn, entry.employee_id, before, changed_by)


async def _upsert_people(conn: Connection, entries: list[RosterEntry]) -> dict[str, bool]:
    people = [entry.to_person() for entry in entries]
    rows = await conn.fetch(
        load_sql("upsert_people"),
        [p.person_id for p in people],
        [p.display_name for p in people],
        [p.email for p in people],
        [p.time_zone for p in people],
        [p.working_hours_start for p in people],
        [p.working_hours_end for p in people],
    )
    return {row["person_id"]: row["inserted"] for row in rows}


async def _upsert_reporting_lines(conn: Connection, entries: list[RosterEntry]) -> dict[str, bool]:
    rows = await conn.fetch(
        load_sql("upsert_reporting_lines"),
        [e.employee_id for e in entries],
        [e.manager_id for e in entries],
    )
    return {row["person_id"]: row["inserted"] for row in rows}


async def _upsert_enrolments(
    conn: Connection, programme_id: str, entries: list[RosterEntry], organisation: str
) -> dict[str, bool]:
    # The matcher reads each person's organisation from the profile (cross-organisation rules).
    profiles = [e.to_candidate().model_copy(update={"organisation": organisation}) for e in entries]
    rows = await conn.fetch(
        load_sql("upsert_enrolments"),
        programme_id,
        [e.employee_id for e in entries],
        [profile.model_dump(mode="json") for profile in profiles],
    )
    return {row["person_id"]: row["inserted"] for row in rows}


async def load_candidates(conn: Connection, programme_id: str) -> list[Candidate]:
    rows = await conn.fetch(load_sql("select_candidates"), programme_id)
    return [Candidate.model_validate(row["profile"]) for row in rows]


async def load_reporting_lines(conn: Connection) -> dict[str, str]:
    rows = await conn.fetch(load_sql("select_reporting_lines"))
    return {row["person_id"]: row["manager_id"] for row in rows}


async def record_manager_change(
    conn: Connection, person_id: str, manager_id: str
) -> tuple[str, ...]:
    """Store who the person reports to now; return the managers above that manager.

    The relationship decides from this chain whether one of its pair now sits above the
    other, through the whole line as matching does, rather than trusting the HR feed to say.
    """
    await conn.fetch(load_sql("upsert_reporting_lines"), [person_id], [manager_id])
    return ReportingLines(await load_reporting_lines(conn)).chain(manager_id)
