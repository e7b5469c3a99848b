"""RFC 9457 problem details: every API error is one ``application/problem+json`` body.

Bad input is always a 4xx that names the offending field; a 5xx means the service itself is
unwell (Temporal or PostgreSQL unreachable), never that the client sent something odd.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.errors import InvalidRequestError, NotFoundError, RefusedError, ServiceError

PROBLEM_JSON = "application/problem+json"


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the field, e.g. `body.mentor_id`.")
    message: str
    code: str = Field(description="Machine-readable reason, e.g. `missing`, `string_too_long`.")
    line: int | None = Field(
        default=None, description="Roster imports only: the line of the file the field is on."
    )


class Problem(BaseModel):
    type: str = Field(description="A stable URI reference naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class ProblemError(Exception):
    """Raise from a route to answer with a problem body."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        *,
        errors: Sequence[FieldProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.problem = Problem(
            type=f"/problems/{code}",
            title=title,
            status=status,
            detail=detail,
            errors=list(errors),
        )
        self.headers = headers


# Documented on every API route, so clients (and the schema fuzzer) know error shapes.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in (
        (400, "Malformed request"),
        (401, "Missing or unknown API key"),
        (404, "No such resource"),
        (409, "Refused by the relationship's rules"),
        (422, "A field is invalid; `errors` names it"),
        (503, "Temporal or the database is unreachable; retry later"),
    )
}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json"),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def field_path(location: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in location) or "body"


def validation_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    # Messages come from pydantic and describe the rule broken; the `input` (which may be
    # personal data) is deliberately left out of the body.
    return [
        FieldProblem(field=field_path(error["loc"]), message=error["msg"], code=error["type"])
        for error in errors
    ]


async def _on_problem(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem_response(error.problem, error.headers)


async def _on_validation(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = validation_problems(error.errors())
    malformed = any(item.code == "json_invalid" for item in problems)
    return problem_response(
        Problem(
            type="/problems/malformed-json" if malformed else "/problems/invalid-request",
            title="The body is not valid JSON" if malformed else "A field is invalid",
            status=400 if malformed else 422,
            detail="; ".join(f"{item.field}: {item.message}" for item in problems[:5]),
            errors=problems,
        )
    )


async def _on_http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    title = str(error.detail) if error.detail else "Error"
    return problem_response(
        Problem(type=f"/problems/http-{error.status_code}", title=title, status=error.status_code),
        dict(error.headers) if error.headers else None,
    )


def service_problem(error: ServiceError) -> Problem:
    """A use case's typed refusal as the problem a client reads (routes may map more finely)."""
    if isinstance(error, InvalidRequestError):
        problems = [
            FieldProblem(field=where, message=what, code="invalid")
            for where, what in error.problems
        ]
        return Problem(
            type="/problems/invalid-request",
            title="A field is invalid",
            status=422,
            detail="; ".join(f"{item.field}: {item.message}" for item in problems[:5]),
            errors=problems,
        )
    if isinstance(error, NotFoundError):
        # Generic on purpose: what was not found may name a person.
        return Problem(type="/problems/not-found", title="Not found", status=404)
    if isinstance(error, RefusedError):
        return Problem(
            type="/problems/refused", title="Refused by the rules", status=409, detail=error.message
        )
    return Problem(
        type="/problems/not-done",
        title="The request could not be completed now",
        status=503,
        detail="Retry later.",
    )


async def _on_service_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    return problem_response(service_problem(error))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
