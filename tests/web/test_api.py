"""The HR API against the real stack: auth, idempotent starts, HR events, problem bodies."""

from __future__ import annotations

from typing import Any

import httpx

from store.database import Pool
from tests.web.conftest import wait_for

PROBLEM = "application/problem+json"


def pair_body(programme: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme_id": programme,
        "mentor_id": "emp-junior",
        "mentee_id": "emp-senior",
        "coordinator_id": "coord-1",
        "owner_id": "owner-1",
    }
    body.update(overrides)
    return body


def fields_named(response: httpx.Response) -> set[str]:
    assert response.headers["content-type"] == PROBLEM
    return {item["field"] for item in response.json()["errors"]}


async def test_a_request_without_an_api_key_gets_a_401_problem(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get("/api/v1/relationships")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"] == "/problems/unauthorised"


async def test_an_unknown_api_key_is_refused_like_a_missing_one(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post(
        "/api/v1/pairs",
        json=pair_body("prog-x"),
        headers={"Authorization": "Bearer tw_not-a-key"},
    )
    assert response.status_code == 401
    assert "not known" in response.json()["detail"]


async def test_starting_the_same_pair_twice_returns_the_first_relationship(
    api: httpx.AsyncClient, programme: str
) -> None:
    first = await api.post("/api/v1/pairs", json=pair_body(programme))
    again = await api.post("/api/v1/pairs", json=pair_body(programme))
    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert first.json()["relationship_id"] == again.json()["relationship_id"]
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    status = await api.get(first.headers["location"])
    assert status.status_code == 200
    body = status.json()
    assert body["phase"] == "proposed"
    assert {p["recipient_id"] for p in body["open_prompts"]} == {"emp-junior", "emp-senior"}


async def test_a_pair_of_one_person_is_a_422_naming_the_field(
    api: httpx.AsyncClient, programme: str
) -> None:
    response = await api.post(
        "/api/v1/pairs", json=pair_body(programme, mentee_id="emp-junior", owner_id="emp-junior")
    )
    assert response.status_code == 422
    assert fields_named(response) == {"body.mentee_id", "body.owner_id"}


async def test_missing_unknown_and_malformed_fields_are_named(
    api: httpx.AsyncClient, programme: str
) -> None:
    body = pair_body(programme, colour="blue")
    del body["coordinator_id"]
    response = await api.post("/api/v1/pairs", json=body)
    assert response.status_code == 422
    assert fields_named(response) == {"body.coordinator_id", "body.colour"}
    too_long = await api.post("/api/v1/pairs", json=pair_body("p" * 45))
    assert fields_named(too_long) == {"body.programme_id"}
    broken = await api.post(
        "/api/v1/pairs", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.headers["content-type"] == PROBLEM


async def test_an_unknown_relationship_is_a_404_problem(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/pairs/rel-nowhere-0123456789abcdef0123")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    unknown_route = await api.get("/api/v1/nothing-here")
    assert unknown_route.status_code == 404
    assert unknown_route.headers["content-type"] == PROBLEM


async def test_an_employee_who_left_ends_each_of_their_relationships(
    api: httpx.AsyncClient, programme: str
) -> None:
    started = await api.post("/api/v1/pairs", json=pair_body(programme, mentor_id="emp-leaver"))
    relationship_id = started.json()["relationship_id"]

    async def listed() -> bool:
        found = await api.get("/api/v1/relationships", params={"employee_id": "emp-leaver"})
        return relationship_id in {item["relationship_id"] for item in found.json()["items"]}

    await wait_for(listed, what="the relationship in the read model")
    response = await api.post(
        "/api/v1/hr-events", json={"employee_id": "emp-leaver", "type": "participant_left"}
    )
    assert response.status_code == 202
    assert relationship_id in response.json()["relationship_ids"]

    async def ended() -> bool:
        status = await api.get(f"/api/v1/pairs/{relationship_id}")
        return bool(status.json()["phase"] == "ended_early")

    await wait_for(ended, what="the relationship to end early")


async def test_a_pair_hr_event_must_name_one_of_the_pair(
    api: httpx.AsyncClient, programme: str
) -> None:
    started = await api.post("/api/v1/pairs", json=pair_body(programme))
    path = f"/api/v1/pairs/{started.json()['relationship_id']}/hr-events"
    stranger = await api.post(path, json={"participant_id": "emp-other", "type": "leave_started"})
    assert stranger.status_code == 422
    assert fields_named(stranger) == {"body.participant_id"}
    conclusion_only = await api.post(
        path, json={"participant_id": "emp-senior", "type": "manager_changed"}
    )
    assert conclusion_only.status_code == 422  # the fact (the new manager) is required
    accepted = await api.post(
        path,
        json={"participant_id": "emp-senior", "type": "manager_changed", "new_manager_id": "m-1"},
    )
    assert accepted.status_code == 202


async def test_a_new_manager_below_the_partner_pauses_the_pair_for_the_coordinator(
    api: httpx.AsyncClient, programme: str, web_pool: Pool
) -> None:
    body = pair_body(programme)
    started = await api.post("/api/v1/pairs", json=body)
    relationship_id = started.json()["relationship_id"]
    # The mentor's new manager reports to the mentee: twoway finds the line through the chain.
    async with web_pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO reporting_lines (person_id, manager_id) VALUES ($1, $2)"
            " ON CONFLICT (person_id) DO UPDATE SET manager_id = EXCLUDED.manager_id",
            f"mgr-{programme}",
            body["mentee_id"],
        )
    path = f"/api/v1/pairs/{relationship_id}/hr-events"
    response = await api.post(
        path,
        json={
            "participant_id": body["mentor_id"],
            "type": "manager_changed",
            "new_manager_id": f"mgr-{programme}",
        },
    )
    assert response.status_code == 202

    async def paused() -> bool:
        status = await api.get(f"/api/v1/pairs/{relationship_id}")
        return bool(status.json()["phase"] == "paused")

    await wait_for(paused, what="the pair to pause for the reporting-line conflict")
    async with web_pool.acquire() as conn:
        manager = await conn.fetchval(
            "SELECT manager_id FROM reporting_lines WHERE person_id = $1", body["mentor_id"]
        )
    assert manager == f"mgr-{programme}"


async def test_people_are_kept_and_bad_entries_name_their_field(api: httpx.AsyncClient) -> None:
    person = {"display_name": "Ada", "email": "ada@example.test", "time_zone": "Europe/Paris"}
    stored = await api.put("/api/v1/people/emp-ada", json=person)
    assert stored.status_code == 200, stored.text
    read = await api.get("/api/v1/people/emp-ada")
    assert read.json()["time_zone"] == "Europe/Paris"
    bad = {
        **person,
        "time_zone": "Mars/Olympus",
        "working_hours_start": "18:00",
        "working_hours_end": "09:00",
    }
    refused = await api.put("/api/v1/people/emp-ada", json=bad)
    assert refused.status_code == 422
    assert fields_named(refused) == {"body.time_zone", "body.working_hours_end"}
    missing = await api.get("/api/v1/people/emp-nobody")
    assert missing.status_code == 404


async def test_relationship_figures_count_by_phase_and_health(
    api: httpx.AsyncClient, programme: str
) -> None:
    for mentor in ("emp-a", "emp-b"):
        await api.post("/api/v1/pairs", json=pair_body(programme, mentor_id=mentor))

    async def both_counted() -> bool:
        listing = await api.get("/api/v1/relationships", params={"programme_id": programme})
        counts: list[dict[str, object]] = listing.json()["counts"]
        return counts == [{"phase": "proposed", "health": "green", "relationships": 2}]

    await wait_for(both_counted, what="two proposed relationships in the figures")


async def test_the_openapi_schema_and_docs_are_served(anonymous: httpx.AsyncClient) -> None:
    schema = await anonymous.get("/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/pairs" in schema.json()["paths"]
    assert (await anonymous.get("/docs")).status_code == 200
    assert (await anonymous.get("/healthz")).json() == {"status": "ok"}


async def test_a_nul_character_is_bad_input_not_a_server_error(api: httpx.AsyncClient) -> None:
    person = {"display_name": "Ada\x00", "email": "ada@example.test"}
    response = await api.put("/api/v1/people/emp-nul", json=person)
    assert response.status_code == 422
    assert fields_named(response) == {"body.display_name"}
