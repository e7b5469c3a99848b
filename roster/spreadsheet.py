"""The first sheet of an `.xlsx` workbook as rows of text, the way a CSV export would read.

Spreadsheet cells are typed: an id typed as a number comes back as `1001.0`, a time as
`datetime.time`. Each is turned into the text a person sees in the cell, so the rest of the
roster import treats a workbook exactly like a CSV file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

XLSX_MAGIC = b"PK\x03\x04"


class UnreadableWorkbookError(ValueError):
    pass


def looks_like_xlsx(raw: bytes) -> bool:
    return raw.startswith(XLSX_MAGIC)


def xlsx_rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of the first sheet; the row number is the one Excel shows."""
    # Imported here: openpyxl is only needed by people who upload workbooks.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableWorkbookError(f"not a readable .xlsx workbook ({error})") from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in row]
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
