"""Threat: a partner works out that the other raised a tension or a concern.

Two pairs live through the same steps at the same time on the real stack (dev server, worker,
PostgreSQL, the web app over HTTP). In one, the mentor's check-in flags a tension with a private
note; in the other it does not. Until the coordinator acts, everything the mentee can see (their
inbox pages, their relationship page and timeline, their prompt pages, the mail queued for them,
and what the HR API says of the pair) must be the same in both, once each pair's own ids, link
and clock readings are set aside.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client

from delivery.links import LinkSigner
from domain import InvolvePartners, RelationshipPolicy
from domain.commands import AnswerPrompt
from domain.prompts import (
    Answer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    OnboardingAnswer,
)
from services.pairs import relationship_handle
from starter import PairRequest, start_relationship
from store.database import Pool
from tests.domain.support import checkin, terms
from tests.security.privacy_support import checkin_soon_policy
from tests.web.conftest import (  # noqa: F401  (fixtures of the real web stack)
    api,
    client,
    link_signer,
    wait_for,
    web_database_url,
    web_pool,
    web_settings,
    web_stack,
)
from tests.web.stack import ThreadedStack
from workflows.relationship import RelationshipWorkflow

# Check-ins come soon after signing; meetings are a day apart, so none falls inside the test.
CHECKIN_SOON = checkin_soon_policy(timedelta(seconds=12))
BRIEFED = OnboardingAnswer(
    understands_roles=True,
    understands_responsibilities=True,
    commits_to_rapport=True,
    accepts_confidentiality=True,
)
NOTE = "He talks over me in every meeting"
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?")
# A fresh id in every form, so a resent form is recognised.
FORM_ANSWER_ID = re.compile(r"web-[0-9a-f]{32}")
PAGE_TIME = re.compile(r"[A-Z][a-z]{2} \d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC")


@dataclass(frozen=True)
class World:
    """One pair; `raises` says whether its mentor flags a tension."""

    name: str
    programme: str
    mentor: str
    mentee: str
    relationship_id: str = ""

    def placeholders(self, token: str) -> dict[str, str]:
        return {
            token: "<partner-link>",
            self.relationship_id: "<relationship>",
            self.programme: "<programme>",
            self.mentor: "<mentor>",
            self.mentee: "<mentee>",
        }


def _world(name: str) -> World:
    tag = uuid.uuid4().hex[:8]
    return World(name, f"p{tag}", f"emp-{tag}-junior", f"emp-{tag}-senior")


async def _answer(
    temporal: Client, world: World, prompt_id: str, person: str, given: Answer
) -> None:
    await relationship_handle(temporal, world.relationship_id).execute_update(
        RelationshipWorkflow.answer_prompt,
        AnswerPrompt(
            answer_id=f"test-{uuid.uuid4().hex}",
            prompt_id=prompt_id,
            respondent_id=person,
            answer=given,
        ),
    )


async def _start_and_sign(
    temporal: Client,
    world: World,
    task_queue: str,
    policy: RelationshipPolicy = CHECKIN_SOON,
) -> World:
    request = PairRequest(
        programme_id=world.programme,
        mentor_id=world.mentor,
        mentee_id=world.mentee,
        coordinator_id="coord-1",
        owner_id="owner-1",
        policy=policy,
    )
    handle = await start_relationship(temporal, request, task_queue=task_queue)
    world = World(world.name, world.programme, world.mentor, world.mentee, handle.id)
    for role, person in (("mentor", world.mentor), ("mentee", world.mentee)):
        await _answer(temporal, world, f"consent:{role}", person, ConsentAnswer(decision="accept"))
    for role, person in (("mentor", world.mentor), ("mentee", world.mentee)):
        await _answer(temporal, world, f"onboarding:{role}", person, BRIEFED)
    agreed = terms(
        datetime.now(UTC),
        cadence=timedelta(days=1),
        length=timedelta(hours=1),
        term=timedelta(days=30),
    )
    await _answer(
        temporal,
        world,
        "contract:v1:propose:mentor",
        world.mentor,
        ContractProposalAnswer(terms=agreed),
    )
    await _answer(
        temporal,
        world,
        "contract:v1:review:mentee",
        world.mentee,
        ContractReviewAnswer(decision="accept"),
    )
    return world


async def _pending(pool: Pool, world: World, prompt_id: str) -> bool:
    row = await pool.fetchrow(
        "SELECT 1 FROM pending_prompts WHERE relationship_id = $1 AND prompt_id = $2",
        world.relationship_id,
        prompt_id,
    )
    return row is not None


async def _mentor_checks_in(temporal: Client, pool: Pool, world: World, raises: bool) -> None:
    await wait_for(
        lambda: _pending(pool, world, "checkin:1:mentor"), within=60, what="the first check-in"
    )
    given = checkin(2, satisfaction=3, safety=3, tension=raises, note=NOTE if raises else None)
    await _answer(temporal, world, "checkin:1:mentor", world.mentor, given)

    async def recorded() -> bool:
        row = await pool.fetchrow(
            "SELECT 1 FROM checkin_answers WHERE relationship_id = $1 AND respondent_id = $2",
            world.relationship_id,
            world.mentor,
        )
        return row is not None

    await wait_for(recorded, within=30, what="the check-in in the read model")


@dataclass(frozen=True)
class PartnerView:
    """Everything the mentee can see, and what HR is told of the pair, ids and times set aside."""

    pages: dict[str, str]
    mails: list[list[object]]
    hr_pair_status: dict[str, object]
    hr_timeline: dict[str, object]

    @property
    def relationship_page(self) -> str:
        return next(page for path, page in self.pages.items() if path.endswith("<relationship>"))

    @property
    def mail_templates(self) -> list[str]:
        return [str(mail[0]) for mail in self.mails]


async def _partner_view(
    anonymous: httpx.AsyncClient,
    api_client: httpx.AsyncClient,
    pool: Pool,
    signer: LinkSigner,
    world: World,
) -> PartnerView:
    token = signer.make(world.mentee, datetime.now(UTC))
    inbox = (await anonymous.get(f"/inbox/{token}")).text
    pages = {"inbox": inbox}
    for path in sorted(set(re.findall(rf'href="(/inbox/{re.escape(token)}/[^"]+)"', inbox))):
        pages[path] = (await anonymous.get(path.replace("&amp;", "&"))).text
    mails = await pool.fetch(
        "SELECT template, data FROM outbox WHERE recipient_id = $1 ORDER BY idempotency_key",
        world.mentee,
    )
    status = await api_client.get(f"/api/v1/pairs/{world.relationship_id}")
    timeline = await api_client.get(f"/api/v1/pairs/{world.relationship_id}/timeline")
    raw = {
        "pages": pages,
        "mails": [[m["template"], m["data"]] for m in mails],
        "hr_pair_status": status.json(),
        "hr_timeline": timeline.json(),
    }
    text = json.dumps(raw, sort_keys=True, default=str)
    for value, placeholder in world.placeholders(token).items():
        text = text.replace(value, placeholder)
    text = PAGE_TIME.sub("<time>", ISO_TIME.sub("<time>", text))
    text = FORM_ANSWER_ID.sub("<answer-id>", text)
    return PartnerView(**json.loads(text))


async def test_the_partners_whole_view_is_the_same_whether_or_not_a_tension_was_raised(
    web_stack: ThreadedStack,  # noqa: F811
    api: httpx.AsyncClient,  # noqa: F811
    web_pool: Pool,  # noqa: F811
    client: Client,  # noqa: F811
    link_signer: LinkSigner,  # noqa: F811
) -> None:
    queue = web_stack.settings.task_queue
    raised, quiet = await asyncio.gather(
        _start_and_sign(client, _world("raised"), queue),
        _start_and_sign(client, _world("quiet"), queue),
    )
    await asyncio.gather(
        _mentor_checks_in(client, web_pool, raised, raises=True),
        _mentor_checks_in(client, web_pool, quiet, raises=False),
    )
    await wait_for(
        lambda: _escalation_recorded(web_pool, raised), within=30, what="the escalation case"
    )

    async with httpx.AsyncClient(base_url=web_stack.base_url) as anonymous:
        seen_raised = await _partner_view(anonymous, api, web_pool, link_signer, raised)
        seen_quiet = await _partner_view(anonymous, api, web_pool, link_signer, quiet)

        for part in ("pages", "mails", "hr_pair_status", "hr_timeline"):
            _same(getattr(seen_raised, part), getattr(seen_quiet, part), part)
        assert "completed check-in" not in seen_raised.relationship_page, (
            "when the partner answered a check-in is theirs alone"
        )
        assert NOTE not in json.dumps(seen_raised.__dict__)

        # The coordinator's first action: involving both people. Now the mentee is told.
        await relationship_handle(client, raised.relationship_id).execute_update(
            RelationshipWorkflow.coordinator_action, InvolvePartners()
        )

        async def told() -> bool:
            view = await _partner_view(anonymous, api, web_pool, link_signer, raised)
            return "mediation_started" in view.mail_templates

        await wait_for(told, within=30, what="the mediation notice to the partner")
        after = await _partner_view(anonymous, api, web_pool, link_signer, raised)
    assert after.hr_pair_status["phase"] == "mediation"
    assert 'id="phase">mediation<' in after.relationship_page
    assert NOTE not in json.dumps(after.__dict__)


# Nothing falls due while the concern test watches: check-ins and meetings are hours away.
QUIET_HOURS = checkin_soon_policy(timedelta(hours=6))


async def test_the_partners_whole_view_is_the_same_whether_or_not_a_concern_was_raised(
    web_stack: ThreadedStack,  # noqa: F811
    api: httpx.AsyncClient,  # noqa: F811
    web_pool: Pool,  # noqa: F811
    client: Client,  # noqa: F811
    link_signer: LinkSigner,  # noqa: F811
) -> None:
    """A concern raised from the mentor's relationship page, at any time, not in a check-in."""
    queue = web_stack.settings.task_queue
    raised, quiet = await asyncio.gather(
        _start_and_sign(client, _world("raised"), queue, QUIET_HOURS),
        _start_and_sign(client, _world("quiet"), queue, QUIET_HOURS),
    )
    async with httpx.AsyncClient(base_url=web_stack.base_url) as anonymous:
        token = link_signer.make(raised.mentor, datetime.now(UTC))
        sent = await anonymous.post(
            f"/inbox/{token}/relationships/{raised.relationship_id}/actions/concern",
            data={"concern.note": NOTE},
        )
        assert sent.status_code == 200, sent.text
        await wait_for(
            lambda: _escalation_recorded(web_pool, raised), within=30, what="the escalation case"
        )
        seen_raised = await _partner_view(anonymous, api, web_pool, link_signer, raised)
        seen_quiet = await _partner_view(anonymous, api, web_pool, link_signer, quiet)

        for part in ("pages", "mails", "hr_pair_status", "hr_timeline"):
            _same(getattr(seen_raised, part), getattr(seen_quiet, part), part)
        assert NOTE not in json.dumps(seen_raised.__dict__)
        assert "Raise a concern" in seen_raised.relationship_page, "the partner can raise one too"

        await relationship_handle(client, raised.relationship_id).execute_update(
            RelationshipWorkflow.coordinator_action, InvolvePartners()
        )
        after = await _partner_view(anonymous, api, web_pool, link_signer, raised)
    assert 'id="phase">mediation<' in after.relationship_page
    assert NOTE not in json.dumps(after.__dict__)


def _same(raised: object, quiet: object, part: str) -> None:
    """Equal, or a failure that shows the first lines that differ (pages are long)."""
    if raised == quiet:
        return
    left = _lines(raised)
    right = _lines(quiet)
    diff = "\n".join(difflib.unified_diff(right, left, "no tension", "tension", n=1, lineterm=""))
    raise AssertionError(f"the partner's {part} give the tension away:\n{diff[:3000]}")


def _lines(value: object) -> list[str]:
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return [f"{key}: {line}" for key, page in value.items() for line in page.splitlines()]
    return json.dumps(value, indent=1, sort_keys=True).splitlines()


async def _escalation_recorded(pool: Pool, world: World) -> bool:
    row = await pool.fetchrow(
        "SELECT 1 FROM escalations WHERE relationship_id = $1", world.relationship_id
    )
    return row is not None
