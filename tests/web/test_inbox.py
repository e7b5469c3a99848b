"""The inbox over HTTP: links bound to one person, forms that keep what was typed, privacy."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client

from delivery.links import LinkSigner
from tests.web.conftest import wait_for
from tests.web.pairs import MENTEE, MENTOR, phase_of, start_pair


def inbox(signer: LinkSigner, person: str, now: datetime | None = None) -> str:
    return f"/inbox/{signer.make(person, now or datetime.now(UTC))}"


def consent_form(signer: LinkSigner, person: str, relationship_id: str) -> str:
    role = "mentor" if person == MENTOR else "mentee"
    return f"{inbox(signer, person)}/relationships/{relationship_id}/prompts/consent%3A{role}"


async def test_a_forged_or_expired_link_is_refused(
    anonymous: httpx.AsyncClient, link_signer: LinkSigner
) -> None:
    forged = LinkSigner(secret=b"someone-else-s-secret-of-32-byte", ttl=timedelta(days=1))
    refused = await anonymous.get(inbox(forged, MENTOR))
    assert refused.status_code == 403
    assert "not valid" in refused.text
    long_ago = datetime.now(UTC) - link_signer.ttl - timedelta(minutes=1)
    expired = await anonymous.get(inbox(link_signer, MENTOR, long_ago))
    assert expired.status_code == 403
    assert "expired" in expired.text
    assert refused.headers["cache-control"] == "no-store"


async def test_the_inbox_lists_the_persons_prompt_and_an_answer_is_applied(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    page = await anonymous.get(inbox(link_signer, MENTOR))
    assert page.status_code == 200
    assert "Do you accept this mentoring match?" in page.text
    form_path = consent_form(link_signer, MENTOR, relationship_id)
    form = await anonymous.get(form_path)
    assert form.status_code == 200
    assert 'name="decision"' in form.text
    done = await anonymous.post(form_path, data={"decision": "accept"})
    assert done.status_code == 200, done.text
    assert "Thank you" in done.text
    again = await anonymous.get(form_path)
    assert again.status_code == 410


async def test_a_resent_form_says_already_recorded_and_a_new_one_is_refused(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    form_path = consent_form(link_signer, MENTOR, relationship_id)
    form = {"decision": "accept", "answer_id": f"web-{uuid.uuid4().hex}"}
    assert (await anonymous.post(form_path, data=form)).status_code == 200
    # The browser resends the same form (its first reply was lost): shown as recorded, once.
    resent = await anonymous.post(form_path, data=form)
    assert resent.status_code == 200, resent.text
    assert "Your answer was already recorded." in resent.text
    another = await anonymous.post(form_path, data={**form, "answer_id": f"web-{uuid.uuid4().hex}"})
    assert another.status_code == 410
    assert "no longer open" in another.text


async def test_a_missing_choice_is_shown_beside_the_field_keeping_what_was_typed(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    form_path = consent_form(link_signer, MENTEE, relationship_id)
    response = await anonymous.post(form_path, data={"reason": "typed before the mistake"})
    assert response.status_code == 422
    assert "Please fill this in." in response.text
    assert 'href="#f-decision"' in response.text
    assert 'value="typed before the mistake"' in response.text


async def test_another_persons_prompt_is_refused_and_nothing_changes(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    link_signer: LinkSigner,
    client: Client,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, programme)
    theirs = (
        f"{inbox(link_signer, MENTEE)}/relationships/{relationship_id}/prompts/consent%3Amentor"
    )
    assert (await anonymous.get(theirs)).status_code == 404
    posted = await anonymous.post(theirs, data={"decision": "decline"})
    assert posted.status_code == 404
    assert await phase_of(client, relationship_id) == "proposed"
    stranger = f"{inbox(link_signer, 'emp-stranger')}/relationships/{relationship_id}"
    assert (await anonymous.get(stranger)).status_code == 404


async def test_a_decline_reason_is_shown_to_its_author_only(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    mentor_inbox = inbox(link_signer, MENTOR)
    declined = await anonymous.post(
        f"{mentor_inbox}/relationships/{relationship_id}/prompts/consent%3Amentor",
        data={"decision": "decline", "reason": "a private reason"},
    )
    assert declined.status_code == 200, declined.text
    page = f"{mentor_inbox}/relationships/{relationship_id}"

    async def own_reason_shown() -> bool:
        # The timeline is read from the event store, which the workflow writes just after it
        # applied the answer.
        return "a private reason" in (await anonymous.get(page)).text

    await wait_for(own_reason_shown, within=30, what="the decline reason on its author's page")
    partner = await anonymous.get(f"{inbox(link_signer, MENTEE)}/relationships/{relationship_id}")
    assert "mentor declined the match" in partner.text
    assert "a private reason" not in partner.text


async def test_a_nul_character_in_an_answer_is_refused_beside_its_field(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    path = f"{inbox(link_signer, MENTOR)}/relationships/{relationship_id}/prompts/consent%3Amentor"
    response = await anonymous.post(path, data={"decision": "decline", "reason": "x\x00y"})
    assert response.status_code == 422
    assert "NUL character" in response.text


async def test_a_link_to_a_malformed_relationship_id_finds_nothing_for_its_holder(
    anonymous: httpx.AsyncClient, link_signer: LinkSigner
) -> None:
    # The same page as an unknown relationship: an id no relationship can have names nothing.
    pages = [
        f"{inbox(link_signer, MENTOR)}/relationships/rel%20x",
        f"{inbox(link_signer, MENTOR)}/relationships/rel%20x/prompts/consent%3Amentor",
    ]
    for path in pages:
        page = await anonymous.get(path)
        assert page.status_code == 404, (path, page.text)
        assert "nothing for you here" in page.text
