"""A programme coordinator reviews a match proposal in headless Chromium: reads the explanations,
asks why two people were not paired, excludes one pair, meets a stale page, and approves."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
from playwright.async_api import Browser, expect

from delivery.links import LinkSigner
from tests.fixtures.chromium import requires_chromium
from tests.web.conftest import wait_for
from tests.web.stack import ThreadedStack
from tests.web.test_programmes import matched, programme_body

pytestmark = requires_chromium

REVIEWER = "coord-review"


async def test_a_coordinator_approves_a_proposal_after_one_override(
    api: httpx.AsyncClient,
    browser: Browser,
    web_stack: ThreadedStack,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    body = programme_body(programme, coordinator_ids=[REVIEWER, "coord-1"])
    created = await api.post("/api/v1/programmes", json=body)
    assert created.status_code == 201, created.text
    proposal = await matched(api, programme)
    assert proposal["version"] == 1
    first_pair: dict[str, Any] = proposal["pairs"][0]
    token = link_signer.for_staff().make(REVIEWER, datetime.now(UTC))
    workspace = f"{web_stack.base_url}/staff/{token}"
    page = await browser.new_page()
    stale_page = await browser.new_page()

    await page.goto(workspace)
    await expect(page.locator("#programmes")).to_contain_text(f"{programme} (you are coordinator)")
    await page.get_by_role("link", name="match review").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Match review: Reverse mentoring pilot"
    )
    await expect(page.locator("#proposal-heading")).to_have_text("Proposal version 1")
    await expect(page.get_by_role("table")).to_contain_text("skills")
    await stale_page.goto(page.url)

    # "Why not A with B": the first pair's mentor with the mentee of another pair.
    other_mentee = proposal["pairs"][1]["mentee_id"]
    await page.get_by_label("Mentor", exact=True).last.select_option(first_pair["mentor_id"])
    await page.get_by_label("Mentee", exact=True).last.select_option(other_mentee)
    await page.get_by_role("button", name="Explain").click()
    # Everyone here is the coordinator's own organisation's: named, with their ids.
    await expect(page.locator("#why-not")).to_contain_text(
        re.compile(rf"\({first_pair['mentor_id']}\) with [^(]+\({other_mentee}\)")
    )

    exclude = re.compile(
        rf"Exclude .*\({first_pair['mentor_id']}\) with .*\({first_pair['mentee_id']}\)"
    )
    await page.get_by_role("button", name=exclude).click()
    await expect(page.locator("#proposal-heading")).to_have_text("Proposal version 2")
    await expect(page.get_by_role("button", name=exclude)).to_have_count(0)

    # The other tab still shows version 1: approving it is refused, and it shows version 2.
    await stale_page.get_by_role("button", name="Approve version 1").click()
    await expect(stale_page.get_by_role("alert")).to_contain_text("changed since you opened it")
    await expect(stale_page.locator("#proposal-heading")).to_have_text("Proposal version 2")
    await stale_page.get_by_role("button", name="Approve version 2").click()
    await expect(stale_page.get_by_text("No proposal waits for review")).to_be_visible()

    async def approved() -> bool:
        status = (await api.get(f"/api/v1/programmes/{programme}")).json()
        return bool(status["relationships_approved"] == len(proposal["pairs"]) - 1)

    await wait_for(approved, within=60, what="the approved pairs")

    async def in_read_model() -> bool:
        listed = await api.get("/api/v1/relationships", params={"programme_id": programme})
        return len(listed.json()["items"]) == len(proposal["pairs"]) - 1

    await wait_for(in_read_model, within=60, what="the pairs in the read model")
    await page.goto(workspace)
    await page.get_by_role("link", name="outcomes").click()
    await expect(page.locator("#min-group-size")).to_have_text("5")
    # Everyone on the roster enrolled, nobody left: the rest of the roster is nobody.
    await expect(page.locator("#retention")).to_contain_text(
        re.compile(r"Enrolled\s*12\s*0 % \(0 of 12\)")
    )
    await expect(page.locator("#retention")).to_contain_text("nobody in this group")
    # One person shared an attribute: a group of one is withheld, never shown.
    await expect(page.locator("#inclusion")).to_contain_text("withheld (fewer than 5 people)")
    await page.get_by_role("link", name="live programme report").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(programme)
    await page.close()
    await stale_page.close()


async def test_a_coordinator_of_another_programme_cannot_open_its_review(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    link_signer: LinkSigner,
    programme: str,
) -> None:
    created = await api.post("/api/v1/programmes", json=programme_body(programme))
    assert created.status_code == 201, created.text
    stranger_programme = programme_body(f"{programme}x", coordinator_ids=["coord-other"])
    assert (await api.post("/api/v1/programmes", json=stranger_programme)).status_code == 201
    token = link_signer.for_staff().make("coord-other", datetime.now(UTC))

    async def listed() -> bool:
        own = await anonymous.get(f"/staff/{token}/programmes/{programme}x/review")
        return own.status_code == 200

    await wait_for(listed, what="the coordinator's own programme")
    foreign = await anonymous.get(f"/staff/{token}/programmes/{programme}/review")
    assert foreign.status_code == 404
    assert "nothing for you here" in foreign.text
