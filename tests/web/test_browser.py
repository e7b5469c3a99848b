"""A participant in headless Chromium: from the mail's link to a signed contract.

Chromium is Debian's (installed by scripts/install-system-packages.sh); Playwright drives it
through ``executable_path`` and never downloads a browser. All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect
from temporalio.client import Client

from delivery.content import PROMPT_SUBJECTS
from delivery.dispatcher import Dispatcher, MailIdentity
from delivery.email import SmtpMailer
from delivery.links import LinkSigner
from delivery.mailsink import MailStore, SinkHandler, start_sink
from domain.prompts import PromptKind
from store.database import Pool
from tests.fixtures.chromium import CHROMIUM_ARGS, chromium_path, requires_chromium
from tests.web.conftest import wait_for
from tests.web.pairs import MENTEE, MENTOR, bring_to_contracting, phase_of, start_pair
from tests.web.stack import ThreadedStack

LINK = re.compile(r"http://127\.0\.0\.1:\d+/inbox/[A-Za-z0-9_.=-]+")

pytestmark = requires_chromium


@dataclass
class Mailbox:
    store: MailStore
    dispatcher: Dispatcher

    async def link_for(self, email: str, kind: PromptKind) -> str:
        """Deliver the outbox until the prompt's mail reached the sink; its inbox link."""
        subject = PROMPT_SUBJECTS[kind]

        async def arrived() -> bool:
            await self.dispatcher.run_once()
            return self._find(email, subject) is not None

        await wait_for(arrived, what=f"the {kind.value} mail")
        link = self._find(email, subject)
        assert link is not None
        return link

    def _find(self, email: str, subject: str) -> str | None:
        for entry in reversed(self.store.entries()):
            if email in entry.to and entry.subject == subject:
                body = self.store.read(entry).get_body(preferencelist=("plain",))
                assert body is not None
                match = LINK.search(body.get_content())
                assert match is not None, "the mail has no inbox link"
                return match.group(0)
        return None


async def register(api: httpx.AsyncClient, person: str) -> str:
    email = f"{person}@example.test"
    # Always inside working hours, so the dispatcher never defers a mail during the test.
    entry = {
        "display_name": f"Person {person}",
        "email": email,
        "working_hours_start": time(0, 0).isoformat(),
        "working_hours_end": time(23, 59, 59).isoformat(),
        "working_days": [1, 2, 3, 4, 5, 6, 7],
    }
    response = await api.put(f"/api/v1/people/{person}", json=entry)
    assert response.status_code == 200, response.text
    return email


@pytest_asyncio.fixture(loop_scope="session")
async def mailbox(
    tmp_path: Path, web_pool: Pool, web_stack: ThreadedStack, link_signer: LinkSigner
) -> AsyncIterator[Mailbox]:
    store = MailStore(tmp_path / "mail")
    server = await start_sink(SinkHandler(store), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    dispatcher = Dispatcher(
        web_pool,
        mailer=SmtpMailer(host="127.0.0.1", port=port, timeout=10),
        identity=MailIdentity(
            sender="twoway <twoway@example.test>",
            links_base_url=web_stack.base_url,
            signer=link_signer,
        ),
    )
    yield Mailbox(store=store, dispatcher=dispatcher)
    server.close()
    await server.wait_closed()


@pytest_asyncio.fixture(loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


async def propose_contract(page: Page) -> None:
    await page.get_by_role("link", name="Propose your mentoring contract").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Propose your mentoring contract"
    )
    await page.locator("#f-terms-goals-0-description").fill("Use social media to listen")
    await page.locator("#f-terms-goals-0-success-measure").fill("Posts once a week")
    await page.get_by_label("Confidentiality terms").fill("What is said here stays here")
    await page.get_by_label("Video call").check()
    # Submitted without a focus area: the error names it and nothing typed is lost.
    await page.get_by_role("button", name="Send my answer").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Focus area: Please fill this in.")
    await expect(page.locator("#f-terms-goals-0-description")).to_have_value(
        "Use social media to listen"
    )
    await page.get_by_label("Focus area").fill("Digital leadership")
    # Keyboard only: Enter in a text field submits the form.
    await page.get_by_label("Focus area").press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    await expect(page.locator("#phase")).to_have_text("contracting")


async def accept_contract(page: Page) -> None:
    await page.get_by_role("link", name="Review the proposed contract").click()
    await expect(page.get_by_text("Use social media to listen")).to_be_visible()
    await page.get_by_label("Accept").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.locator("#phase")).to_have_text("active")


async def test_a_participant_answers_contract_prompts_from_the_mail_link(
    api: httpx.AsyncClient,
    client: Client,
    mailbox: Mailbox,
    browser: Browser,
    programme: str,
) -> None:
    mentor_email, mentee_email = await register(api, MENTOR), await register(api, MENTEE)
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    page = await browser.new_page()

    await page.goto(await mailbox.link_for(mentor_email, PromptKind.CONTRACT_PROPOSAL))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your inbox")
    await propose_contract(page)

    await page.goto(await mailbox.link_for(mentee_email, PromptKind.CONTRACT_REVIEW))
    await accept_contract(page)
    assert await phase_of(client, relationship_id) == "active"
    await page.close()


async def test_forged_expired_and_foreign_links_are_refused_in_the_browser(
    api: httpx.AsyncClient,
    browser: Browser,
    web_stack: ThreadedStack,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    relationship_id = await start_pair(api, programme)
    now = datetime.now(UTC)
    page = await browser.new_page()
    base = web_stack.base_url

    token = link_signer.make(MENTEE, now)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = await page.goto(f"{base}/inbox/{forged}")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("alert")).to_contain_text("not valid")

    expired = link_signer.make(MENTEE, now - link_signer.ttl - timedelta(minutes=5))
    response = await page.goto(f"{base}/inbox/{expired}")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("alert")).to_contain_text("expired")

    mentors_prompt = f"/relationships/{relationship_id}/prompts/consent%3Amentor"
    response = await page.goto(f"{base}/inbox/{token}{mentors_prompt}")
    assert response is not None
    assert response.status == 404
    await expect(page.get_by_role("alert")).to_contain_text("nothing for you here")
    await page.close()
