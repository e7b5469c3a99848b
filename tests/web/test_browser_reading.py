"""In headless Chromium: a mentor reads the briefing from the mail's link and ticks each part;
at the end of the term, the certificate prints without the page around it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import Browser, expect
from temporalio.client import Client

from content import load_content
from domain.commands import WindDown
from domain.prompts import (
    BriefingSection,
    ClosingReflectionAnswer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    GoalOutcome,
    OnboardingAnswer,
    PromptKind,
)
from domain.state import Mode, Role
from tests.domain.support import terms
from tests.fixtures.chromium import requires_chromium
from tests.web.conftest import wait_for
from tests.web.pairs import MENTEE, MENTOR, answer, handle_of, phase_of, start_pair
from tests.web.test_browser import Mailbox, browser, mailbox, register  # noqa: F401  (fixtures)
from web.inbox.forms import LABELS
from workflows.programme_io import WIND_DOWN

pytestmark = requires_chromium


async def to_completion(client: Client, relationship_id: str) -> None:
    """The rest of the term through the workflow's own updates: the mentee's briefing, the
    contract, the programme's wind-down and both reflections."""
    briefed = OnboardingAnswer.model_validate(
        {f"read_{section.value}": True for section in BriefingSection}
    )
    await answer(client, relationship_id, "onboarding:mentee", MENTEE, briefed)
    agreed = terms(datetime.now(UTC), cadence=timedelta(days=7), term=timedelta(days=90))
    await answer(
        client, relationship_id, "contract:v1:propose:mentor", MENTOR,
        ContractProposalAnswer(terms=agreed),
    )  # fmt: skip
    await answer(
        client, relationship_id, "contract:v1:review:mentee", MENTEE,
        ContractReviewAnswer(decision="accept"),
    )  # fmt: skip
    await handle_of(client, relationship_id).signal(WIND_DOWN, WindDown())

    async def closing() -> bool:
        return await phase_of(client, relationship_id) == "closing"

    await wait_for(closing, what="the closing")
    reflection = ClosingReflectionAnswer(
        goals_achieved=(GoalOutcome(goal_number=1, achieved=True),),
        continue_informally=False,
        want_renewal=False,
    )
    for role, person in (("mentor", MENTOR), ("mentee", MENTEE)):
        await answer(client, relationship_id, f"closing:reflection:{role}", person, reflection)


async def test_a_mentor_acknowledges_each_part_then_prints_the_certificate(
    api: httpx.AsyncClient,
    client: Client,
    mailbox: Mailbox,  # noqa: F811
    browser: Browser,  # noqa: F811
    programme: str,
) -> None:
    mentor_email = await register(api, MENTOR)
    await register(api, MENTEE)
    relationship_id = await start_pair(api, programme)
    for role, person in (("mentor", MENTOR), ("mentee", MENTEE)):
        await answer(
            client, relationship_id, f"consent:{role}", person, ConsentAnswer(decision="accept")
        )
    page = await browser.new_page()
    await page.goto(await mailbox.link_for(mentor_email, PromptKind.ONBOARDING))
    await page.get_by_role("link", name="Read your briefing and acknowledge each part").click()
    briefing = load_content().briefing_for(Role.MENTOR, Mode.REVERSE)
    for section, text in briefing.in_order():
        part = page.locator(f"section[aria-labelledby='part-{section.value}']")
        await expect(part.get_by_role("heading", level=2)).to_contain_text(text.title)
        await part.get_by_label(LABELS[f"read_{section.value}"]).check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    await to_completion(client, relationship_id)
    await page.goto(f"{page.url.split('/relationships/')[0]}/relationships/{relationship_id}")
    await page.get_by_role("link", name="Open your certificate").click()
    certificate = page.get_by_role("article")
    await expect(certificate).to_contain_text("Person emp-junior")
    await expect(page.get_by_role("link", name="Back to your relationship")).to_be_visible()
    await page.emulate_media(media="print")
    await expect(certificate).to_be_visible()
    await expect(page.get_by_role("link", name="Back to your relationship")).to_be_hidden()
    await expect(page.locator("header")).to_be_hidden()
    await page.close()
