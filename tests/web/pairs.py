"""Bringing a pair to a given phase quickly, through the real workflow updates."""

from __future__ import annotations

import uuid

import httpx
from temporalio.client import Client

from domain.commands import AnswerPrompt
from domain.prompts import Answer, ConsentAnswer, OnboardingAnswer
from services.pairs import RelationshipHandle
from tests.web.conftest import wait_for
from workflows.relationship import RelationshipWorkflow

MENTOR = "emp-junior"
MENTEE = "emp-senior"


async def start_pair(api: httpx.AsyncClient, programme: str) -> str:
    response = await api.post(
        "/api/v1/pairs",
        json={
            "programme_id": programme,
            "mentor_id": MENTOR,
            "mentee_id": MENTEE,
            "coordinator_id": "coord-1",
            "owner_id": "owner-1",
        },
    )
    assert response.status_code == 201, response.text
    relationship_id: str = response.json()["relationship_id"]

    async def in_read_model() -> bool:
        # The inbox lists relationships from the read model, as mail links arrive after it.
        found = await api.get("/api/v1/relationships", params={"programme_id": programme})
        return relationship_id in {item["relationship_id"] for item in found.json()["items"]}

    await wait_for(in_read_model, what="the relationship in the read model")
    return relationship_id


def handle_of(client: Client, relationship_id: str) -> RelationshipHandle:
    return client.get_workflow_handle_for(RelationshipWorkflow.run, relationship_id)


async def answer(
    client: Client, relationship_id: str, prompt_id: str, person: str, given: Answer
) -> None:
    command = AnswerPrompt(
        answer_id=f"test-{uuid.uuid4().hex}",
        prompt_id=prompt_id,
        respondent_id=person,
        answer=given,
    )
    await handle_of(client, relationship_id).execute_update(
        RelationshipWorkflow.answer_prompt, command
    )


async def bring_to_contracting(client: Client, relationship_id: str) -> None:
    for role, person in (("mentor", MENTOR), ("mentee", MENTEE)):
        await answer(
            client, relationship_id, f"consent:{role}", person, ConsentAnswer(decision="accept")
        )
    briefed = OnboardingAnswer(
        understands_roles=True,
        understands_responsibilities=True,
        commits_to_rapport=True,
        accepts_confidentiality=True,
    )
    for role, person in (("mentor", MENTOR), ("mentee", MENTEE)):
        await answer(client, relationship_id, f"onboarding:{role}", person, briefed)


async def phase_of(client: Client, relationship_id: str) -> str:
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    return state.phase.value
