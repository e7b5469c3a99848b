"""What a participant reads in the inbox: the briefing of their role, one acknowledgement per part;
the programme's objectives while contracting; the guide before the next meeting; and, only once
the term has completed, their own printable certificate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from temporalio.client import Client

from content import load_content
from delivery.links import LinkSigner
from domain.commands import WindDown
from domain.prompts import (
    BriefingSection,
    ClosingReflectionAnswer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    GoalOutcome,
)
from domain.state import Mode, Role
from store.database import Pool
from store.people import Person, upsert_person
from tests.domain.support import terms
from tests.web.conftest import wait_for
from tests.web.pairs import (
    MENTEE,
    MENTOR,
    answer,
    bring_to_contracting,
    handle_of,
    phase_of,
    start_pair,
)
from workflows.programme_io import WIND_DOWN
from workflows.relationship import RelationshipWorkflow

OBJECTIVE = "Senior leaders use collaboration tools with confidence"
FOCUS_AREAS = ["Sustainability", "Digital skills"]
CONTENT = load_content()


def inbox(signer: LinkSigner, person: str) -> str:
    return f"/inbox/{signer.make(person, datetime.now(UTC))}"


def page_of(signer: LinkSigner, person: str, relationship_id: str, rest: str = "") -> str:
    return f"{inbox(signer, person)}/relationships/{relationship_id}{rest}"


async def create_programme(api: httpx.AsyncClient, programme: str) -> None:
    body: dict[str, Any] = {
        "programme_id": programme,
        "name": "Leaders learn from the next generation",
        "objectives": [OBJECTIVE],
        "focus_areas": FOCUS_AREAS,
        "term": {"starts_on": "2026-01-05", "ends_on": "2030-06-30"},
        "coordinator_ids": ["coord-1"],
        "owner_id": "owner-1",
    }
    response = await api.post("/api/v1/programmes", json=body)
    assert response.status_code == 201, response.text


async def both_consent(client: Client, relationship_id: str) -> None:
    for role, person in (("mentor", MENTOR), ("mentee", MENTEE)):
        await answer(
            client, relationship_id, f"consent:{role}", person, ConsentAnswer(decision="accept")
        )


def every_part_ticked() -> dict[str, str]:
    return {f"read_{section.value}": "true" for section in BriefingSection}


async def test_the_briefing_shows_every_part_and_each_must_be_acknowledged(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    client: Client,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, programme)
    await both_consent(client, relationship_id)
    form_path = page_of(link_signer, MENTOR, relationship_id, "/prompts/onboarding%3Amentor")
    form = await anonymous.get(form_path)
    assert form.status_code == 200, form.text
    briefing = CONTENT.briefing_for(Role.MENTOR, Mode.REVERSE)
    assert briefing.introduction.title in form.text
    for section, text in briefing.in_order():
        assert text.title in form.text
        assert f'name="read_{section.value}"' in form.text
    # The mentee reads the other side's briefing.
    mentee_form = await anonymous.get(
        page_of(link_signer, MENTEE, relationship_id, "/prompts/onboarding%3Amentee")
    )
    assert CONTENT.briefing_for(Role.MENTEE, Mode.REVERSE).introduction.title in mentee_form.text

    all_but_one = every_part_ticked()
    del all_but_one["read_power_gap"]
    refused = await anonymous.post(form_path, data=all_but_one)
    assert refused.status_code == 409
    assert "power gap" in refused.text
    # What was ticked stays ticked on the page sent back.
    assert 'name="read_confidentiality" value="true" checked' in refused.text
    assert await phase_of(client, relationship_id) == "onboarding"

    done = await anonymous.post(form_path, data=every_part_ticked())
    assert done.status_code == 200, done.text
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert MENTOR in state.briefed

    # The briefing stays readable from the relationship page, for the pair only.
    again = await anonymous.get(page_of(link_signer, MENTOR, relationship_id, "/briefing"))
    assert again.status_code == 200
    for _, text in briefing.in_order():
        assert text.title in again.text
    stranger = await anonymous.get(
        page_of(link_signer, "someone-else", relationship_id, "/briefing")
    )
    assert stranger.status_code == 404


async def test_the_programmes_objectives_are_shown_when_proposing_and_reviewing_the_contract(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    client: Client,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    await create_programme(api, programme)
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    proposal = await anonymous.get(
        page_of(link_signer, MENTOR, relationship_id, "/prompts/contract%3Av1%3Apropose%3Amentor")
    )
    assert proposal.status_code == 200, proposal.text
    assert OBJECTIVE in proposal.text
    assert "Sustainability, Digital skills" in proposal.text
    agreed = terms(datetime.now(UTC), cadence=timedelta(days=7), term=timedelta(days=90))
    await answer(
        client,
        relationship_id,
        "contract:v1:propose:mentor",
        MENTOR,
        ContractProposalAnswer(terms=agreed),
    )
    review = await anonymous.get(
        page_of(link_signer, MENTEE, relationship_id, "/prompts/contract%3Av1%3Areview%3Amentee")
    )
    assert review.status_code == 200, review.text
    assert OBJECTIVE in review.text


async def test_the_next_meetings_guide_then_a_certificate_for_each_of_the_pair_only_at_the_end(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    client: Client,
    link_signer: LinkSigner,
    programme: str,
    web_pool: Pool,
) -> None:
    async with web_pool.acquire() as conn:
        await upsert_person(
            conn, Person(person_id=MENTOR, display_name="Robin Mentor", email="r@example.test")
        )
    await create_programme(api, programme)
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    agreed = terms(datetime.now(UTC), cadence=timedelta(days=7), term=timedelta(days=90))
    await answer(
        client, relationship_id, "contract:v1:propose:mentor", MENTOR,
        ContractProposalAnswer(terms=agreed),
    )  # fmt: skip
    await answer(
        client, relationship_id, "contract:v1:review:mentee", MENTEE,
        ContractReviewAnswer(decision="accept"),
    )  # fmt: skip
    assert await phase_of(client, relationship_id) == "active"

    page = await anonymous.get(page_of(link_signer, MENTEE, relationship_id))
    assert page.status_code == 200
    # Meeting 1 takes the programme's first focus area; meeting 2 would take the second.
    first_guide = CONTENT.guide_for_meeting(FOCUS_AREAS, 1)
    assert first_guide.name == "sustainability"
    assert "Before meeting 1" in page.text
    assert first_guide.text.title in page.text
    assert "certificate-link" not in page.text

    certificate_path = "/certificate"
    early = await anonymous.get(page_of(link_signer, MENTOR, relationship_id, certificate_path))
    assert early.status_code == 404

    await handle_of(client, relationship_id).signal(WIND_DOWN, WindDown())

    async def closing() -> bool:
        return await phase_of(client, relationship_id) == "closing"

    await wait_for(closing, what="the closing")
    reflection = ClosingReflectionAnswer(
        goals_achieved=(GoalOutcome(goal_number=1, achieved=True),),
        learned="a lot",
        continue_informally=True,
        want_renewal=False,
    )
    for role, person in (("mentor", MENTOR), ("mentee", MENTEE)):
        await answer(client, relationship_id, f"closing:reflection:{role}", person, reflection)
    assert await phase_of(client, relationship_id) == "completed"

    certificate = await anonymous.get(
        page_of(link_signer, MENTOR, relationship_id, certificate_path)
    )
    assert certificate.status_code == 200, certificate.text
    assert "Robin Mentor" in certificate.text
    assert "reverse mentor" in certificate.text
    assert OBJECTIVE in certificate.text
    assert "@media print" in certificate.text
    mentees = await anonymous.get(page_of(link_signer, MENTEE, relationship_id, certificate_path))
    assert mentees.status_code == 200
    assert "reverse mentee" in mentees.text
    assert "Robin Mentor" not in mentees.text
    stranger = f"someone-{uuid.uuid4().hex[:8]}"
    refused = await anonymous.get(page_of(link_signer, stranger, relationship_id, certificate_path))
    assert refused.status_code == 404
    finished = await anonymous.get(page_of(link_signer, MENTOR, relationship_id))
    assert "certificate-link" in finished.text
