"""Cases over the HR API: listed, read without the private note, resolved for a named actor."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from temporalio.client import Client

from domain.commands import OpenEscalation
from tests.web.conftest import wait_for
from tests.web.pairs import bring_to_contracting, handle_of, start_pair
from workflows.relationship import RelationshipWorkflow

NOTE = "Only the coordinator may read this."


async def test_an_hr_system_lists_reads_and_resolves_a_case(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, client: Client, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    await handle_of(client, relationship_id).execute_update(
        RelationshipWorkflow.coordinator_action, OpenEscalation(note=NOTE)
    )
    listed: list[dict[str, object]] = []

    async def case_listed() -> bool:
        found = await api.get("/api/v1/cases", params={"programme_id": programme})
        listed[:] = found.json()["items"]
        return len(listed) == 1

    await wait_for(case_listed, what="the case in the list")
    key = quote(str(listed[0]["escalation_key"]), safe="")
    assert (await anonymous.get(f"/api/v1/cases/{key}")).status_code == 401

    read = await api.get(f"/api/v1/cases/{key}")
    assert read.status_code == 200
    assert read.json()["status"] == "open"
    assert NOTE not in read.text

    resolved = await api.post(
        f"/api/v1/cases/{key}/resolution", json={"resolution": "pause", "actor": "coord-1"}
    )
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert (body["status"], body["resolution"], body["resolved_by"]) == (
        "resolved",
        "pause",
        "coord-1",
    )
    assert body["phase"] == "paused"
    assert [(a["actor"], a["action"]) for a in body["audit"]] == [("coord-1", "resolved")]

    again = await api.post(
        f"/api/v1/cases/{key}/resolution", json={"resolution": "continue", "actor": "coord-1"}
    )
    assert again.status_code == 409
    unknown = await api.get(f"/api/v1/cases/{quote(relationship_id + ':escalation:9', safe='')}")
    assert unknown.status_code == 404
    at_risk = await api.get("/api/v1/pairs-at-risk", params={"programme_id": programme})
    assert at_risk.status_code == 200
    assert at_risk.json()["items"] == []
