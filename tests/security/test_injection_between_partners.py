"""Threat: one partner writing markup that runs in the other partner's pages, e.g. a contract
whose text closes the page's list and opens a form of its own, hiding the real one, or a meta
refresh that sends the reader elsewhere. In real Chromium, everything a mentor can type into a
contract reaches the mentee's pages as text: no element is created from it."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect
from temporalio.client import Client

from domain.prompts import PromptKind
from tests.web.pairs import MENTEE, MENTOR, bring_to_contracting, phase_of, start_pair
from tests.web.test_browser import Mailbox, register

# Each field gets its own number, so the text of each can be found on the other side.
MARKUP = (
    "</dd></li></ol><form method=post action=/inbox data-injected={n}>"
    "<button data-injected={n}>View contract {n}</button></form>"
    '<meta http-equiv=refresh content="0;url=about:blank" data-injected={n}>'
    "<b data-injected={n}>bold {n}</b>"
)


async def write_markup_into_every_contract_field(page: Page) -> list[str]:
    await page.get_by_role("link", name="Propose your mentoring contract").click()
    fields = page.locator(
        "input[id^='f-terms-goals-'][id$='-description'],"
        " input[id^='f-terms-goals-'][id$='-success-measure']"
    )
    written: list[str] = []
    for index in range(await fields.count()):
        written.append(MARKUP.format(n=len(written)))
        await fields.nth(index).fill(written[-1])
    for label in ("Focus area", "Confidentiality terms"):
        written.append(MARKUP.format(n=len(written)))
        await page.get_by_label(label).fill(written[-1])
    await page.get_by_label("Video call").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    return written


async def assert_shown_as_text(page: Page, written: list[str]) -> None:
    assert await page.locator("[data-injected]").count() == 0
    assert await page.locator("meta[http-equiv]").count() == 0
    # Only the project's own forms: each posts back to this person's inbox (a prompt's answer
    # or one of the requests of the relationship page); markup never adds one.
    forms = page.locator("form")
    for index in range(await forms.count()):
        action = await forms.nth(index).get_attribute("action") or ""
        assert action.startswith("/inbox/"), f"a form that is not the project's: {action!r}"
    for text in written:
        # The exact characters the mentor typed, readable on the page.
        await expect(page.get_by_text(text, exact=False).first).to_be_attached()


async def test_markup_in_a_contract_reaches_the_partner_as_text(
    api: httpx.AsyncClient,
    client: Client,
    mailbox: Mailbox,
    browser: Browser,
    programme: str,
) -> None:
    mentor_email, mentee_email = await register(api, MENTOR), await register(api, MENTEE)
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    mentor = await browser.new_page()
    await mentor.goto(await mailbox.link_for(mentor_email, PromptKind.CONTRACT_PROPOSAL))
    written = await write_markup_into_every_contract_field(mentor)
    assert len(written) >= 4

    mentee = await browser.new_page()
    await mentee.goto(await mailbox.link_for(mentee_email, PromptKind.CONTRACT_REVIEW))
    inbox_url = mentee.url
    await mentee.get_by_role("link", name="Review the proposed contract").click()
    review_url = mentee.url
    await assert_shown_as_text(mentee, written)
    assert await mentee.locator("form").count() == 1
    assert mentee.url == review_url, "the page was sent elsewhere"

    # The real form is the one the mentee uses, and it still works.
    await mentee.get_by_label("Accept").check()
    await mentee.get_by_role("button", name="Send my answer").click()
    await expect(mentee.locator("#phase")).to_have_text("active")
    assert await phase_of(client, relationship_id) == "active"

    # The signed contract on the mentee's relationship page: text again.
    await mentee.goto(f"{inbox_url}/relationships/{relationship_id}")
    await expect(mentee.get_by_role("heading", name="Your contract (version 1)")).to_be_visible()
    await assert_shown_as_text(mentee, written)
    await mentor.close()
    await mentee.close()
