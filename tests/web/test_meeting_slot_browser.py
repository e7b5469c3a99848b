"""In headless Chromium: a Berlin mentor picks a meeting time; a New York mentee sees theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest_asyncio
from playwright.async_api import Browser, async_playwright, expect
from temporalio.client import Client

from delivery.links import LinkSigner
from tests.fixtures.chromium import CHROMIUM_ARGS, chromium_path, requires_chromium
from tests.web.pairs import handle_of, phase_of
from tests.web.slot_pairs import berlin_new_york_pair_contracting
from tests.web.stack import ThreadedStack
from workflows.relationship import RelationshipWorkflow

pytestmark = requires_chromium


@pytest_asyncio.fixture(loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


async def prompt_url(
    stack: ThreadedStack, signer: LinkSigner, client: Client, rid: str, person: str
) -> str:
    state = await handle_of(client, rid).query(RelationshipWorkflow.state)
    [prompt] = [p for p in state.open_prompts if p.recipient_id == person]
    token = signer.make(person, datetime.now(UTC))
    path = prompt.prompt_id.replace(":", "%3A")
    return f"{stack.base_url}/inbox/{token}/relationships/{rid}/prompts/{path}"


async def test_the_pair_agrees_a_slot_each_seeing_it_in_their_own_time(
    api: httpx.AsyncClient,
    client: Client,
    browser: Browser,
    web_stack: ThreadedStack,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    rid, mentor, mentee = await berlin_new_york_pair_contracting(api, client, programme)
    page = await browser.new_page()

    await page.goto(await prompt_url(web_stack, link_signer, client, rid, mentor))
    await page.locator("#f-terms-goals-0-description").fill("Use social media to listen")
    await page.locator("#f-terms-goals-0-success-measure").fill("Posts once a week")
    await page.get_by_label("Focus area").fill("Digital leadership")
    await page.get_by_label("Confidentiality terms").fill("What is said here stays here")
    await page.get_by_label("Video call").check()
    term_end = (datetime.now(UTC) + timedelta(weeks=20)).strftime("%Y-%m-%dT%H:%M")
    await page.get_by_label("End of the term (UTC)").fill(term_end)
    meeting_time = page.get_by_label("When you meet (in your own time)")
    await meeting_time.select_option(label="Wednesdays 16:00-17:00 (Europe/Berlin)")
    await page.get_by_label("Where: a place or a video link").fill("https://video.example/r-7")
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    await page.goto(await prompt_url(web_stack, link_signer, client, rid, mentee))
    when = page.locator("dt", has_text="When").locator("xpath=following-sibling::dd[1]")
    await expect(when).to_contain_text("Wednesdays 10:00-11:00 (America/New_York)")
    await page.get_by_label("Accept").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert await phase_of(client, rid) == "active"
    await page.close()
