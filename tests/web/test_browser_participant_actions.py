"""One mentee in headless Chromium pauses, comes back and moves a meeting, while the mentor
raises a concern; the mentee's view gives that concern away nowhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import Browser, Page, expect
from temporalio.client import Client

from delivery.links import LinkSigner
from tests.fixtures.chromium import requires_chromium
from tests.web.pairs import MENTEE, MENTOR, handle_of
from tests.web.stack import ThreadedStack
from tests.web.test_browser import browser  # noqa: F401  (the Chromium fixture)
from tests.web.test_participant_forms import active_pair
from workflows.relationship import RelationshipWorkflow

pytestmark = requires_chromium
NOTE = "He never lets me finish a sentence"
REASON = "a private surgery"


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


async def open_relationship(
    browser: Browser,  # noqa: F811
    base: str,
    signer: LinkSigner,
    person: str,
    relationship_id: str,
) -> Page:
    page = await browser.new_page()
    token = signer.make(person, datetime.now(UTC))
    await page.goto(f"{base}/inbox/{token}/relationships/{relationship_id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your relationship")
    return page


async def what_the_mentee_sees(page: Page) -> str:
    await page.reload()
    return await page.locator("main").inner_text()


async def test_a_mentee_pauses_returns_and_moves_a_meeting_while_the_mentor_raises_a_concern(
    api: httpx.AsyncClient,
    client: Client,
    browser: Browser,  # noqa: F811
    web_stack: ThreadedStack,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await active_pair(api, client, programme)
    base = web_stack.base_url
    mentee = await open_relationship(browser, base, link_signer, MENTEE, relationship_id)

    # Pausing: the date is asked with a labelled control; the reason goes to the coordinator.
    await mentee.get_by_label("Pause until (UTC)").fill(
        _local(datetime.now(UTC) + timedelta(days=10))
    )
    await mentee.locator("#f-pause-reason").fill(REASON)
    await mentee.get_by_role("button", name="Pause", exact=True).click()
    await expect(mentee.get_by_role("heading", level=1)).to_have_text("Request recorded")
    await expect(mentee.locator("#phase")).to_have_text("paused")

    # Coming back early, from the relationship page.
    await mentee.get_by_role("link", name="See your relationship").click()
    await expect(mentee.get_by_role("heading", name="Come back early")).to_be_visible()
    await mentee.get_by_role("button", name="Resume now").click()
    await expect(mentee.locator("#phase")).to_have_text("active")

    await mentee.get_by_role("link", name="See your relationship").click()
    before_concern = await what_the_mentee_sees(mentee)

    # Meanwhile the mentor raises a concern from their own page.
    mentor = await open_relationship(browser, base, link_signer, MENTOR, relationship_id)
    await mentor.get_by_label("What worries you").fill(NOTE)
    await mentor.get_by_role("button", name="Send to the coordinator").click()
    await expect(mentor.get_by_role("status")).to_contain_text("Your partner is not told")
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert state.escalation_open

    # The mentee's page reads exactly as before: phase, timeline, forms.
    assert await what_the_mentee_sees(mentee) == before_concern
    assert NOTE not in before_concern
    assert REASON not in await mentor.content()

    # Moving the next meeting: the partner is asked; the agreed time stands until then.
    meeting = state.pending_meeting
    assert meeting is not None
    new_time = (meeting.scheduled_at + timedelta(hours=2)).replace(second=0, microsecond=0)
    await mentee.get_by_label("New date and time (UTC)").fill(_local(new_time))
    await mentee.get_by_role("button", name="Ask to move it").click()
    await expect(mentee.get_by_role("status")).to_contain_text("the agreed time stands")
    await expect(mentee.locator("#phase")).to_have_text("active")

    await mentee.get_by_role("link", name="See your relationship").click()
    seen = await what_the_mentee_sees(mentee)
    assert "Phase: active" in seen
    assert NOTE not in seen
    assert "escalation" not in seen
    assert "concern raised" not in seen
    await mentee.get_by_role("link", name="Back to your inbox").click()
    await expect(mentee.get_by_role("heading", level=1)).to_have_text("Your inbox")
    assert NOTE not in await mentee.content()
    await mentee.close()
    await mentor.close()
