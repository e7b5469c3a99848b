"""A pair in Berlin and New York, brought to contracting through the real API and updates."""

from __future__ import annotations

import uuid
from datetime import time

import httpx
from temporalio.client import Client

from domain.prompts import ConsentAnswer, OnboardingAnswer
from tests.web.conftest import wait_for
from tests.web.pairs import answer

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


async def register(api: httpx.AsyncClient, person: str, zone: str) -> None:
    entry = {
        "display_name": "Someone",
        "email": f"{person}@example.test",
        "time_zone": zone,
        "working_hours_start": time(9).isoformat(),
        "working_hours_end": time(17, 30).isoformat(),
    }
    response = await api.put(f"/api/v1/people/{person}", json=entry)
    assert response.status_code == 200, response.text


async def berlin_new_york_pair_contracting(
    api: httpx.AsyncClient, client: Client, programme: str
) -> tuple[str, str, str]:
    # Ids of their own: the people directory of a test module is shared by its tests.
    suffix = uuid.uuid4().hex[:8]
    mentor, mentee = f"emp-ber-{suffix}", f"emp-nyc-{suffix}"
    await register(api, mentor, BERLIN)
    await register(api, mentee, NEW_YORK)
    started = await api.post(
        "/api/v1/pairs",
        json={
            "programme_id": programme,
            "mentor_id": mentor,
            "mentee_id": mentee,
            "coordinator_id": "coord-1",
            "owner_id": "owner-1",
        },
    )
    assert started.status_code == 201, started.text
    relationship_id: str = started.json()["relationship_id"]
    briefed = OnboardingAnswer(
        understands_roles=True,
        understands_responsibilities=True,
        commits_to_rapport=True,
        accepts_confidentiality=True,
    )
    for role, person in (("mentor", mentor), ("mentee", mentee)):
        await answer(
            client, relationship_id, f"consent:{role}", person, ConsentAnswer(decision="accept")
        )
    for role, person in (("mentor", mentor), ("mentee", mentee)):
        await answer(client, relationship_id, f"onboarding:{role}", person, briefed)

    async def in_read_model() -> bool:
        found = await api.get("/api/v1/relationships", params={"programme_id": programme})
        return relationship_id in {item["relationship_id"] for item in found.json()["items"]}

    await wait_for(in_read_model, what="the relationship in the read model")
    return relationship_id, mentor, mentee
