"""Reading an uploaded roster (multipart file, CSV body or JSON body) and importing it."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request, status
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from roster.importer import ImportReport
from roster.parse import ParsedRoster, RosterIssue
from services import programmes
from services.programmes import RosterFormat
from web.api.auth import api_key_id
from web.api.programme_models import MAX_ROSTER_BYTES, RosterImported
from web.idempotency import Answer, fingerprint, idempotent
from web.problems import FieldProblem, ProblemError
from web.services import WebServices

# A problem body stays readable (and bounded) even for a file where every line is wrong.
MAX_ISSUES_SHOWN = 1000
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROSTER_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A .csv, .xlsx or .json roster (docs/programmes.md).",
                        }
                    },
                    "required": ["file"],
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": 100_000,
                    "items": {"type": "object", "description": "One person, as in a CSV line."},
                }
            },
        },
    }
}


def _problem(status_code: int, code: str, title: str, field: str, reason: str) -> ProblemError:
    return ProblemError(
        status_code,
        code,
        title,
        errors=[FieldProblem(field=field, message=title, code=reason)],
    )


def _too_large(field: str) -> ProblemError:
    return _problem(
        413, "roster-too-large", f"A roster is at most {MAX_ROSTER_BYTES} bytes", field, "too_large"
    )


async def _from_multipart(request: Request) -> tuple[bytes, RosterFormat]:
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise _problem(
                422,
                "invalid-roster",
                "Send the roster as the file field `file`",
                "body.file",
                "missing",
            )
        data = await upload.read(MAX_ROSTER_BYTES + 1)
        name = (upload.filename or "").lower()
        is_json = name.endswith(".json") or upload.content_type == "application/json"
    if len(data) > MAX_ROSTER_BYTES:
        raise _too_large("body.file")
    return data, "json" if is_json else "csv"


async def _from_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ROSTER_BYTES:
        raise _too_large("body")
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_ROSTER_BYTES:
            raise _too_large("body")
    return bytes(data)


async def read_roster(request: Request) -> tuple[bytes, RosterFormat]:
    """The roster's bytes and format, whichever of the three ways it was sent."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        return await _from_multipart(request)
    if media in ("text/csv", "application/json", XLSX_MEDIA_TYPE):
        # A workbook is recognised by its content; "csv" only says it is not JSON.
        return await _from_body(request), "json" if media == "application/json" else "csv"
    raise ProblemError(
        415,
        "unsupported-media-type",
        "Send multipart/form-data (field `file`), text/csv, an .xlsx workbook or application/json",
        errors=[
            FieldProblem(
                field="header.Content-Type", message="unsupported media type", code="media_type"
            )
        ],
    )


def issue_problems(issues: tuple[RosterIssue, ...] | list[RosterIssue]) -> list[FieldProblem]:
    return [
        FieldProblem(field=i.field, message=i.message, code="invalid_roster_line", line=i.line)
        for i in issues[:MAX_ISSUES_SHOWN]
    ]


def _refusal(parsed: ParsedRoster, report: ImportReport | None) -> ProblemError:
    issues = report.issues if report is not None else tuple(parsed.issues)
    ordered = sorted(issues, key=lambda issue: (issue.line, issue.field))
    shown = "; ".join(str(issue) for issue in ordered[:5])
    more = f" (and {len(ordered) - 5} more)" if len(ordered) > 5 else ""
    return ProblemError(
        422,
        "invalid-roster",
        "The roster has invalid lines; nothing was imported",
        f"{shown}{more}",
        errors=issue_problems(ordered),
    )


async def _import(
    services: WebServices,
    programme_id: str,
    data: bytes,
    kind: RosterFormat,
    skip_invalid: bool,
    changed_by: str,
    organisation: str,
) -> Answer:
    # Validating a large roster takes a while: off the event loop, other requests go on.
    parsed = await asyncio.to_thread(programmes.parse_roster, data, kind)
    valid = [line for line, _ in parsed.entries if line not in parsed.bad_lines]
    if skip_invalid and parsed.issues and not valid:
        # Not one valid line (or the file itself is unreadable): skipping would import nothing.
        raise _refusal(parsed, None)
    async with services.pool.acquire() as conn:
        report = await programmes.enrol_roster(
            conn,
            programme_id,
            parsed,
            skip_invalid=skip_invalid,
            changed_by=changed_by,
            organisation=organisation,
        )
    if not report.imported:
        raise _refusal(parsed, report)
    answer = RosterImported(
        programme_id=programme_id,
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped_lines=list(report.skipped_lines),
        issues=issue_problems(report.issues),
        columns_read_as=dict(report.columns_read_as),
    )
    return Answer(status.HTTP_200_OK, answer.model_dump(mode="json"))


async def import_uploaded_roster(
    request: Request,
    services: WebServices,
    *,
    programme_id: str,
    skip_invalid: bool,
    owner: str,
    idempotency_key: str | None,
    organisation: str,
) -> JSONResponse:
    data, kind = await read_roster(request)
    return await idempotent(
        services.pool,
        owner=owner,
        key=idempotency_key,
        request_print=fingerprint(
            f"POST /api/v1/programmes/{programme_id}/roster",
            f"{kind} skip_invalid={skip_invalid}",
            data,
        ),
        produce=lambda: _import(
            services, programme_id, data, kind, skip_invalid, api_key_id(owner), organisation
        ),
    )
