"""Column names as HR systems export them, read as the roster's own field names.

HR exports rarely use twoway's field names: one system writes `Time zone`, another `timezone`,
a third `TZ`. A header is first normalised (case, spaces, hyphens and dots folded to `_`), then
looked up in `ALIASES`; the import report says which column was read as which, so nobody has to
guess why a column was or was not picked up. The table is documented in docs/programmes.md.
"""

from __future__ import annotations

import re

from roster.model import RosterEntry

DIVERSITY_PREFIX = "diversity_"
KNOWN_FIELDS = frozenset(RosterEntry.model_fields)

# normalised header -> field. Only names that cannot mean anything else: `name` is the display
# name, never the manager's; `level` is the career level, never a language level.
ALIASES: dict[str, str] = {
    "id": "employee_id",
    "employee": "employee_id",
    "employee_number": "employee_id",
    "employee_no": "employee_id",
    "personnel_number": "employee_id",
    "staff_id": "employee_id",
    "worker_id": "employee_id",
    "name": "display_name",
    "full_name": "display_name",
    "preferred_name": "display_name",
    "e_mail": "email",
    "email_address": "email",
    "work_email": "email",
    "mail": "email",
    "dept": "department",
    "division": "department",
    "office": "location",
    "site": "location",
    "timezone": "time_zone",
    "tz": "time_zone",
    "time_zone_name": "time_zone",
    "working_hours_from": "working_hours_start",
    "work_start": "working_hours_start",
    "working_hours_to": "working_hours_end",
    "work_end": "working_hours_end",
    "language": "languages",
    "manager": "manager_id",
    "manager_employee_id": "manager_id",
    "line_manager_id": "manager_id",
    "reports_to": "manager_id",
    "level": "career_level",
    "grade": "career_level",
    "job_level": "career_level",
    "role": "role_preference",
    "preferred_role": "role_preference",
    "skills_offered": "skills_to_share",
    "can_teach": "skills_to_share",
    "skills_wanted": "skills_to_learn",
    "wants_to_learn": "skills_to_learn",
    "interest": "interests",
    "hobbies": "interests",
    "max_pairs": "capacity",
}

_SEPARATORS = re.compile(r"[\s\-./]+")


def normalise(header: str) -> str:
    """`Time-Zone ` -> `time_zone`; a BOM or stray quotes left by a spreadsheet are dropped."""
    text = header.strip().strip("\ufeff").strip('"').strip().lower()
    return _SEPARATORS.sub("_", text).strip("_")


def field_for(header: str) -> str | None:
    """The field a column is read as, or None when twoway does not know the column."""
    name = normalise(header)
    if name in KNOWN_FIELDS or name.startswith(DIVERSITY_PREFIX):
        return name
    return ALIASES.get(name)
