"""The contract form offers meeting times that suit both people, each in the viewer's own time."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from temporalio.client import Client

from delivery.links import LinkSigner
from domain.commands import StartRelationship
from domain.policy import RelationshipPolicy
from domain.slots import Availability
from domain.state import RelationshipState
from services.answers import with_slot_in_own_zone
from services.errors import InvalidRequestError
from tests.web.pairs import handle_of
from tests.web.slot_pairs import BERLIN, NEW_YORK, berlin_new_york_pair_contracting
from workflows.relationship import RelationshipWorkflow

OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def inbox(signer: LinkSigner, person: str) -> str:
    return f"/inbox/{signer.make(person, datetime.now(UTC))}"


def contract_fields(slot: str, term_end: datetime) -> dict[str, str]:
    return {
        "terms.goals.0.description": "Use social media to listen",
        "terms.goals.0.success_measure": "Posts once a week",
        "terms.focus_area": "Digital leadership",
        "terms.cadence": "2 weeks",
        "terms.meeting_length": "1 hour",
        "terms.meeting_format": "video",
        "terms.confidentiality_terms": "What is said here stays here",
        "terms.term_end": term_end.strftime("%Y-%m-%dT%H:%M"),
        "terms.slot": slot,
        "terms.location": "https://video.example/room-7",
    }


async def test_the_proposer_picks_a_slot_in_their_time_and_the_reviewer_sees_it_in_theirs(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    link_signer: LinkSigner,
    client: Client,
    programme: str,
) -> None:
    relationship_id, mentor, mentee = await berlin_new_york_pair_contracting(api, client, programme)
    proposal = (
        f"{inbox(link_signer, mentor)}/relationships/{relationship_id}"
        "/prompts/contract%3Av1%3Apropose%3Amentor"
    )

    form = await anonymous.get(proposal)

    assert form.status_code == 200, form.text
    assert 'name="terms.slot"' in form.text
    options = {value: html.unescape(label) for value, label in OPTION.findall(form.text)}
    offered = {value: label for value, label in options.items() if value}
    # Berlin afternoons only (New York's morning), shown on Berlin's clock to the Berlin mentor.
    assert offered
    assert all(value.endswith("@Europe/Berlin") for value in offered)
    assert {value.split("@")[1] for value in offered} <= {"15:00", "15:30", "16:00", "16:30"}
    assert "Mondays 15:00-16:00 (Europe/Berlin)" in offered.values()

    term_end = datetime.now(UTC) + timedelta(weeks=20)
    # A time outside New York's hours is refused, even when sent without the form's choices.
    early = await anonymous.post(proposal, data=contract_fields("1@10:00@Europe/Berlin", term_end))
    assert early.status_code == 409
    assert "outside the working hours" in early.text

    chosen = await anonymous.post(proposal, data=contract_fields("1@15:00@Europe/Berlin", term_end))
    assert chosen.status_code == 200, chosen.text

    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    [review_prompt] = [p for p in state.open_prompts if p.recipient_id == mentee]
    review = f"{inbox(link_signer, mentee)}/relationships/{relationship_id}/prompts/" + (
        review_prompt.prompt_id.replace(":", "%3A")
    )
    shown = await anonymous.get(review)
    assert shown.status_code == 200, shown.text
    text = html.unescape(shown.text)
    assert "Mondays 09:00-10:00 (America/New_York)" in text
    assert "https://video.example/room-7" in text

    signed = await anonymous.post(review, data={"decision": "accept"})
    assert signed.status_code == 200, signed.text
    own_page = await anonymous.get(f"{inbox(link_signer, mentee)}/relationships/{relationship_id}")
    assert "Mondays 09:00-10:00 (America/New_York)" in html.unescape(own_page.text)


def test_the_command_line_names_a_slot_in_the_persons_own_zone() -> None:
    start = StartRelationship(
        relationship_id="rel-1",
        programme_id="prog-1",
        mentor_id="emp-1",
        mentee_id="emp-2",
        coordinator_id="coord-1",
        owner_id="owner-1",
        policy=RelationshipPolicy.standard(),
        mentee_availability=Availability(time_zone=NEW_YORK),
    )
    state = RelationshipState(
        **start.model_dump(exclude={"type", "relationship_id"}), relationship_id="rel-1"
    )

    data = with_slot_in_own_zone(state, "emp-2", {"terms": {"slot": "TU@09:30"}})
    kept = with_slot_in_own_zone(state, "emp-2", {"terms": {"slot": "2@15:00@Europe/Berlin"}})

    assert data["terms"]["slot"] == {"weekday": 2, "start": "09:30:00", "time_zone": NEW_YORK}
    assert kept["terms"]["slot"]["time_zone"] == BERLIN
    with pytest.raises(InvalidRequestError, match=r"terms\.slot"):
        with_slot_in_own_zone(state, "emp-2", {"terms": {"slot": "Tuesday morning"}})
