"""What a participant tells the coordinator between prompts (the reason for a pause, for leaving)
reaches the coordinator's workspace, and never the partner's pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client

from delivery.links import LinkSigner
from domain.commands import RequestPause
from services.participants import submit_action
from tests.web.conftest import wait_for
from tests.web.pairs import MENTEE, MENTOR, bring_to_contracting, handle_of, start_pair
from tests.web.staff.test_pairs import COORDINATOR, staff_token

REASON = "My partner keeps cancelling at the last minute and I need a break"


async def test_the_reason_for_a_pause_reaches_the_coordinator_and_not_the_partner(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    client: Client,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    until = datetime.now(UTC) + timedelta(days=14)
    pause = RequestPause(participant_id=MENTEE, until=until, reason=REASON)
    await submit_action(handle_of(client, relationship_id), pause, "test-pause-with-reason")

    pair = f"/staff/{staff_token(link_signer, COORDINATOR)}/pairs/{relationship_id}"

    async def reason_shown() -> bool:
        return REASON in (await anonymous.get(pair)).text

    await wait_for(reason_shown, what="the pause reason on the coordinator's pair page")
    shown = await anonymous.get(pair)
    assert "Asked for a pause</strong>, the mentee" in shown.text

    partner = link_signer.make(MENTOR, datetime.now(UTC))
    page = await anonymous.get(f"/inbox/{partner}/relationships/{relationship_id}")
    assert page.status_code == 200
    assert "paused" in page.text
    assert REASON not in page.text
