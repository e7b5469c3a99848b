"""A use case's typed refusal reaches an HR client as a problem, whichever route raised it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from services.errors import InvalidRequestError, NotFoundError, RefusedError, ServiceError
from web.problems import install_problem_handlers


def app_raising(error: ServiceError) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/refuse")
    async def refuse() -> None:
        raise error

    return app


async def problem_for(error: ServiceError) -> httpx.Response:
    transport = httpx.ASGITransport(app=app_raising(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/refuse")


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (InvalidRequestError([("mentee_id", "must differ")]), 422, "/problems/invalid-request"),
        (NotFoundError("emp-secret-name"), 404, "/problems/not-found"),
        (RefusedError("stale_proposal", "The proposal changed."), 409, "/problems/refused"),
        (ServiceError("not in time"), 503, "/problems/not-done"),
    ],
)
async def test_each_refusal_is_a_problem_with_its_status(
    error: ServiceError, status: int, kind: str
) -> None:
    response = await problem_for(error)

    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == kind


async def test_an_invalid_request_names_the_field_and_a_refusal_gives_the_rules_reason() -> None:
    invalid = (await problem_for(InvalidRequestError([("mentee_id", "must differ")]))).json()
    refused = (await problem_for(RefusedError("stale_proposal", "The proposal changed."))).json()

    assert invalid["errors"] == [
        {"field": "mentee_id", "message": "must differ", "code": "invalid", "line": None}
    ]
    assert refused["detail"] == "The proposal changed."


async def test_not_found_does_not_echo_what_was_asked_for() -> None:
    response = await problem_for(NotFoundError("emp-secret-name"))

    assert "emp-secret-name" not in response.text
