"""The relationship page's request forms over HTTP: pause, resume, move a meeting, a concern."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client

from delivery.links import LinkSigner
from domain.commands import InvolvePartners, RaiseConcern
from domain.prompts import ContractProposalAnswer, ContractReviewAnswer
from tests.domain.support import MENTEE as DOMAIN_MENTEE
from tests.domain.support import MENTOR as DOMAIN_MENTOR
from tests.domain.support import Pair, terms
from tests.web.conftest import wait_for
from tests.web.pairs import MENTEE, MENTOR, answer, bring_to_contracting, handle_of, start_pair
from web.inbox.actions import available_actions
from workflows.relationship import RelationshipWorkflow


def page_of(signer: LinkSigner, person: str, relationship_id: str) -> str:
    return f"/inbox/{signer.make(person, datetime.now(UTC))}/relationships/{relationship_id}"


async def active_pair(api: httpx.AsyncClient, client: Client, programme: str) -> str:
    relationship_id = await start_pair(api, programme)
    await bring_to_contracting(client, relationship_id)
    agreed = terms(
        datetime.now(UTC),
        cadence=timedelta(days=7),
        length=timedelta(hours=1),
        term=timedelta(days=90),
    )
    await answer(
        client, relationship_id, "contract:v1:propose:mentor", MENTOR,
        ContractProposalAnswer(terms=agreed),
    )  # fmt: skip
    await answer(
        client, relationship_id, "contract:v1:review:mentee", MENTEE,
        ContractReviewAnswer(decision="accept"),
    )  # fmt: skip
    return relationship_id


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


async def test_a_mentee_pauses_comes_back_and_moves_a_meeting_from_the_relationship_page(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, client: Client, link_signer: LinkSigner,
    programme: str,
) -> None:  # fmt: skip
    relationship_id = await active_pair(api, client, programme)
    mentee_page = page_of(link_signer, MENTEE, relationship_id)
    page = await anonymous.get(mentee_page)
    assert page.status_code == 200
    # Every control has its label; the forms of one page never share an id.
    assert '<label for="f-pause-until">' in page.text
    assert '<label for="f-move-meeting-to">' in page.text
    ids = re.findall(r'id="(f-[^"]+)"', page.text)
    assert len(ids) == len(set(ids))
    assert "Come back early" not in page.text

    too_far = datetime.now(UTC) + timedelta(days=200)
    refused = await anonymous.post(
        f"{mentee_page}/actions/pause", data={"pause.until": _local(too_far), "pause.reason": "x"}
    )
    assert refused.status_code == 409
    assert "at most 90 days" in refused.text
    assert _local(too_far) in refused.text, "what was typed is kept"

    missing = await anonymous.post(f"{mentee_page}/actions/pause", data={})
    assert missing.status_code == 422
    assert "Please fill this in." in missing.text

    until = datetime.now(UTC) + timedelta(days=10)
    paused = await anonymous.post(
        f"{mentee_page}/actions/pause",
        data={"pause.until": _local(until), "pause.reason": "a private surgery"},
    )
    assert paused.status_code == 200, paused.text
    assert 'id="phase">paused<' in paused.text
    assert "Come back early" in (await anonymous.get(mentee_page)).text
    mentor_page = await anonymous.get(page_of(link_signer, MENTOR, relationship_id))
    assert "Come back early" not in mentor_page.text
    assert "surgery" not in mentor_page.text

    resumed = await anonymous.post(f"{mentee_page}/actions/resume", data={})
    assert resumed.status_code == 200, resumed.text
    assert 'id="phase">active<' in resumed.text

    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    meeting = state.pending_meeting
    assert meeting is not None
    new_time = (meeting.scheduled_at + timedelta(hours=3)).replace(second=0, microsecond=0)
    moved = await anonymous.post(
        f"{mentee_page}/actions/move-meeting", data={"move-meeting.to": _local(new_time)}
    )
    assert moved.status_code == 200, moved.text
    assert "until then the agreed time stands" in moved.text

    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    move_prompt = next(p for p in state.open_prompts if p.kind.value == "meeting_move")
    assert move_prompt.recipient_id == MENTOR
    mentor_link = page_of(link_signer, MENTOR, relationship_id)
    prompt_path = f"{mentor_link}/prompts/{move_prompt.prompt_id.replace(':', '%3A')}"
    form = await anonymous.get(prompt_path)
    assert form.status_code == 200
    assert "Does the new time suit you?" in form.text
    confirmed = await anonymous.post(prompt_path, data={"confirm": "true"})
    assert confirmed.status_code == 200, confirmed.text
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert state.meeting(meeting.number).scheduled_at == new_time


async def test_a_concern_from_the_page_reaches_the_coordinator_and_changes_nothing_for_the_partner(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, client: Client, link_signer: LinkSigner,
    programme: str,
) -> None:  # fmt: skip
    relationship_id = await active_pair(api, client, programme)
    sent = await anonymous.post(
        f"{page_of(link_signer, MENTOR, relationship_id)}/actions/concern",
        data={"concern.note": "<b>I feel unheard</b>"},
    )
    assert sent.status_code == 200, sent.text
    assert "Your partner is not told" in sent.text
    assert 'id="phase">active<' in sent.text
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert state.escalation_open
    mentee_page = await anonymous.get(page_of(link_signer, MENTEE, relationship_id))
    assert 'id="phase">active<' in mentee_page.text
    assert "unheard" not in mentee_page.text

    async def own_note_shown_escaped() -> bool:
        # The author sees their own note, escaped, once the event store has it.
        mentor_page = await anonymous.get(page_of(link_signer, MENTOR, relationship_id))
        return "&lt;b&gt;I feel unheard&lt;/b&gt;" in mentor_page.text

    await wait_for(own_note_shown_escaped, what="the author's own note on their timeline")


async def test_an_unknown_request_or_someone_elses_relationship_is_refused(
    anonymous: httpx.AsyncClient, api: httpx.AsyncClient, link_signer: LinkSigner, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    base = page_of(link_signer, MENTOR, relationship_id)
    assert (await anonymous.post(f"{base}/actions/teleport", data={})).status_code == 404
    stranger = page_of(link_signer, "emp-stranger", relationship_id)
    assert (await anonymous.post(f"{stranger}/actions/concern", data={})).status_code == 404


def test_the_requests_offered_stay_the_same_when_a_case_opens_unseen() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))

    def offered() -> list[str]:
        return [spec.name for spec in available_actions(pair.state, DOMAIN_MENTEE)]

    before = offered()
    pair.send(RaiseConcern(participant_id=DOMAIN_MENTOR, note="private"))
    assert offered() == before
    assert "move-meeting" in before
    assert "concern" in before
    pair.send(InvolvePartners())
    assert "move-meeting" not in offered(), "once told, the pair sees the mediation"
