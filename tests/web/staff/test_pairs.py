"""Pairs in the staff workspace over HTTP: an action is only taken after a confirmation that says
what the pair will see, the workflow records who acted, and the audit trail shows it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from temporalio.client import Client

from delivery.links import LinkSigner
from tests.web.conftest import wait_for
from tests.web.pairs import bring_to_contracting, handle_of, start_pair
from web.staff.pairs import PairAtRisk, _sort_key
from workflows.relationship import RelationshipWorkflow

COORDINATOR = "coord-1"


def staff_token(link_signer: LinkSigner, person: str) -> str:
    return link_signer.for_staff().make(person, datetime.now(UTC))


async def test_pausing_a_pair_asks_first_and_says_what_the_pair_will_see(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    client: Client,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    pair = f"/staff/{staff_token(link_signer, COORDINATOR)}/pairs/{relationship_id}"

    shown = await anonymous.get(pair)
    assert shown.status_code == 200
    assert "confirm=pause" in shown.text
    asked = await anonymous.get(pair, params={"confirm": "pause"})
    assert "What the pair will see:" in asked.text
    assert "reminders and check-ins stop" in asked.text
    assert await _phase(client, relationship_id) == "contracting"

    paused = await anonymous.post(f"{pair}/pause", follow_redirects=True)
    assert paused.status_code == 200
    assert re.search(r'id="phase">paused<', paused.text)
    assert "paused the pair" in paused.text

    again = await anonymous.post(f"{pair}/pause")
    assert again.status_code == 409
    assert "already paused" in again.text
    assert re.search(r"paused the pair: [a-z ]+ \(refused\)", again.text)

    resumed = await anonymous.post(f"{pair}/resume", follow_redirects=True)
    assert re.search(r'id="phase">contracting<', resumed.text)


async def test_a_malformed_pair_id_finds_nothing_like_an_unknown_one(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    await start_pair(api, programme)  # coord-1 coordinates it: their link opens the workspace
    token = staff_token(link_signer, COORDINATOR)

    async def has_a_role() -> bool:
        return (await anonymous.get(f"/staff/{token}")).status_code == 200

    await wait_for(has_a_role, what="coord-1's role from the pair")
    for path in (f"/staff/{token}/pairs/rel%20x", f"/staff/{token}/pairs/rel-unknown-pair"):
        page = await anonymous.get(path)
        assert page.status_code == 404, (path, page.text)
        assert "nothing for you here" in page.text


async def test_a_coordinator_of_another_programme_cannot_act_on_the_pair(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    client: Client,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, f"{programme}a")
    await start_pair(api, programme)
    # coord-1 coordinates both programmes; a coordinator known only elsewhere sees neither.
    other = await api.post(
        "/api/v1/pairs",
        json={
            "programme_id": f"{programme}b",
            "mentor_id": "emp-x1",
            "mentee_id": "emp-x2",
            "coordinator_id": "coord-b",
            "owner_id": "owner-b",
        },
    )
    assert other.status_code == 201, other.text
    token = staff_token(link_signer, "coord-b")

    async def has_a_role() -> bool:
        return (await anonymous.get(f"/staff/{token}")).status_code == 200

    await wait_for(has_a_role, what="coord-b's role from their own pair")
    refused = await anonymous.post(f"/staff/{token}/pairs/{relationship_id}/end")
    assert refused.status_code == 404
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert state.phase.value == "proposed"


def test_pairs_at_risk_sort_red_first_then_by_pair() -> None:
    def pair(relationship_id: str, health: str, programme: str) -> PairAtRisk:
        return PairAtRisk(relationship_id, programme, "active", health, False, None, [], None)

    pairs = [pair("r-3", "amber", "p1"), pair("r-2", "red", "p2"), pair("r-1", "amber", "p2")]
    by_health = [p.relationship_id for p in sorted(pairs, key=_sort_key("health"))]
    by_programme = [p.relationship_id for p in sorted(pairs, key=_sort_key("programme"))]
    assert by_health == ["r-2", "r-1", "r-3"]
    assert by_programme == ["r-3", "r-1", "r-2"]


async def _phase(client: Client, relationship_id: str) -> str:
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    return state.phase.value
