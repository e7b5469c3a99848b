"""Coordinators, owners and operators in headless Chromium: from the escalation mail to a resolved
case, with the acting person on record; and the front door that leads every visitor on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from playwright.async_api import Browser, expect
from temporalio.client import Client

from delivery.content import TEMPLATE_SUBJECTS
from delivery.links import LinkSigner
from domain.commands import OpenEscalation
from store.database import Pool
from tests.fixtures.chromium import requires_chromium
from tests.web.conftest import OPERATOR_TOKEN, wait_for
from tests.web.pairs import MENTEE, bring_to_contracting, handle_of, start_pair
from tests.web.stack import ThreadedStack
from tests.web.test_browser import Mailbox, register
from workflows.relationship import RelationshipWorkflow

pytestmark = requires_chromium

CASE_LINK = re.compile(r"http://127\.0\.0\.1:\d+/staff/[A-Za-z0-9_.=-]+/cases/[A-Za-z0-9%._-]+")
COORDINATOR = "coord-1"
PRIVATE_NOTE = "He talks over me in every meeting and I do not dare say so."


async def case_link(mailbox: Mailbox, email: str) -> str:
    subject = TEMPLATE_SUBJECTS["escalation_opened"]

    def find() -> str | None:
        for entry in reversed(mailbox.store.entries()):
            if email in entry.to and entry.subject == subject:
                body = mailbox.store.read(entry).get_body(preferencelist=("plain",))
                assert body is not None
                match = CASE_LINK.search(body.get_content())
                assert match is not None, "the escalation mail does not link to the case"
                return match.group(0)
        return None

    async def arrived() -> bool:
        await mailbox.dispatcher.run_once()
        return find() is not None

    await wait_for(arrived, what="the escalation mail")
    link = find()
    assert link is not None
    return link


async def open_case(client: Client, relationship_id: str) -> None:
    await handle_of(client, relationship_id).execute_update(
        RelationshipWorkflow.coordinator_action,
        OpenEscalation(reason="power_imbalance", note=PRIVATE_NOTE),
    )


async def test_a_coordinator_goes_from_the_escalation_mail_to_a_resolved_case(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    client: Client,
    mailbox: Mailbox,
    browser: Browser,
    web_pool: Pool,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    coordinator_email = await register(api, COORDINATOR)
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    await open_case(client, relationship_id)
    page = await browser.new_page()

    await page.goto(await case_link(mailbox, coordinator_email))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case on pair {relationship_id}"
    )
    await expect(page.locator("#private-note")).to_have_text(PRIVATE_NOTE)
    await expect(page.locator("#case-status")).to_have_text("open")

    await page.get_by_role("button", name="Acknowledge").click()
    await expect(page.locator("#audit")).to_contain_text("acknowledged the case")
    # Colleagues see on the list that the case is taken.
    await page.get_by_role("link", name="All open cases").click()
    await expect(page.get_by_role("row", name=relationship_id)).to_contain_text(
        f"{COORDINATOR} acknowledged the case"
    )
    await page.get_by_role("link", name=relationship_id).click()
    # Keyboard only: choose the resolution and send the form without a mouse.
    await page.get_by_label("Continue").focus()
    await page.keyboard.press("Space")
    await expect(page.get_by_text("What the pair will see: The pair carries on")).to_be_visible()
    await page.get_by_role("button", name="Resolve").press("Enter")

    await expect(page.locator("#case-status")).to_contain_text(
        f"resolved: continue by {COORDINATOR}"
    )
    await expect(page.locator("#audit")).to_contain_text("resolved the case: continue")
    await expect(page.locator("#phase")).to_have_text("contracting")
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    resolved = state.escalations[-1]
    assert (resolved.resolution, resolved.resolved_by) == ("continue", COORDINATOR)

    async def recorded_with_actor() -> bool:
        async with web_pool.acquire() as conn:
            actor = await conn.fetchval(
                "SELECT data ->> 'actor' FROM events"
                " WHERE stream_id = $1 AND event_type = 'escalation_resolved'",
                relationship_id,
            )
        return bool(actor == COORDINATOR)

    await wait_for(recorded_with_actor, what="the resolution with its actor in the event store")

    # The partner's own page never shows what was told to the coordinator.
    mentee_link = link_signer.make(MENTEE, datetime.now(UTC))
    partner_page = await anonymous.get(f"/inbox/{mentee_link}/relationships/{relationship_id}")
    assert partner_page.status_code == 200
    assert PRIVATE_NOTE not in partner_page.text
    await page.close()


async def test_an_operator_sees_every_case_but_not_the_private_note(
    api: httpx.AsyncClient,
    client: Client,
    browser: Browser,
    web_stack: ThreadedStack,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    await open_case(client, relationship_id)
    base = web_stack.base_url
    page = await browser.new_page()

    await page.goto(f"{base}/staff")
    await page.get_by_label("Operator token").fill("not-the-token-at-all-000")
    await page.get_by_role("button", name="Sign in as operator").click()
    await expect(page.get_by_role("alert")).to_contain_text("not the operator token")
    await page.get_by_label("Operator token").fill(OPERATOR_TOKEN)
    await page.get_by_role("button", name="Sign in as operator").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    await page.get_by_role("link", name=relationship_id).click()
    await expect(page.locator("#case-status")).to_have_text("open")
    await expect(
        page.get_by_text("only the assigned coordinator and the programme owner")
    ).to_be_visible()
    assert PRIVATE_NOTE not in await page.content()

    # A coordinator of another programme learns nothing about this one.
    stranger = link_signer.for_staff().make("coord-elsewhere", datetime.now(UTC))
    response = await page.goto(f"{base}/staff/{stranger}")
    assert response is not None
    assert response.status == 403
    # An inbox link is not a staff link, even for the coordinator.
    inbox_token = link_signer.make(COORDINATOR, datetime.now(UTC))
    response = await page.goto(f"{base}/staff/{inbox_token}")
    assert response is not None
    assert response.status == 403
    await page.close()


async def test_the_front_door_leads_each_visitor_on(
    browser: Browser, web_stack: ThreadedStack
) -> None:
    page = await browser.new_page()
    response = await page.goto(f"{web_stack.base_url}/")
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("twoway")
    await expect(page.get_by_text("Use the link in your most recent twoway")).to_be_visible()
    await page.get_by_role("link", name="Sign in to the staff workspace").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    await page.go_back()
    await page.get_by_role("link", name="HR API documentation").click()
    await expect(page).to_have_url(re.compile(r"/docs$"))
    await page.close()
