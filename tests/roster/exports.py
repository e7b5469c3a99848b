"""A roster as HR systems really export it: Excel's semicolon CSV and .xlsx workbooks.

Both are written from `valid.csv` with the headers HR tools use (aliases, spaces, capitals),
so a test can compare what was read with what the canonical file gives.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

DATA = Path(__file__).parent / "data"

# Canonical field -> the header a typical HR export gives it.
EXPORT_HEADERS = {
    "employee_id": "Employee ID",
    "display_name": "Name",
    "email": "E-mail",
    "department": "Department",
    "location": "Office",
    "time_zone": "Timezone",
    "languages": "Languages",
    "manager_id": "Manager",
    "career_level": "Level",
    "role_preference": "Role",
    "skills_to_share": "Skills to share",
    "skills_to_learn": "Skills to learn",
    "interests": "Interests",
    "diversity_consent": "Diversity consent",
    "diversity_gender": "Diversity gender",
    "capacity": "Capacity",
}


def canonical_rows() -> list[list[str]]:
    with (DATA / "valid.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def exported_rows() -> list[list[str]]:
    header, *rows = canonical_rows()
    return [[EXPORT_HEADERS[name] for name in header], *rows]


def excel_semicolon_csv() -> bytes:
    """What Excel writes as "CSV (semicolon)": BOM, `;` between cells, CRLF line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(exported_rows())
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def xlsx_workbook() -> bytes:
    """The same people in a workbook, numbers typed as numbers, empty cells left empty."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in exported_rows():
        sheet.append([_typed(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(cell: str) -> str | int | None:
    if cell == "":
        return None
    return int(cell) if cell.isdigit() else cell
