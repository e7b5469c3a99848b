"""An inbox answer goes straight to the workflow when the read model lists the prompt as open;
the workflow still has the last word when the read model lags behind it."""

from __future__ import annotations

import uuid

import httpx

from delivery.links import LinkSigner
from store.database import Pool
from tests.web.pairs import MENTOR, start_pair
from tests.web.test_inbox import consent_form


async def accepted_events(pool: Pool, relationship_id: str) -> int:
    count: int = await pool.fetchval(
        "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'match_accepted'",
        relationship_id,
    )
    return count


async def test_an_answer_is_recorded_when_its_thank_you_page_is_shown(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    link_signer: LinkSigner,
    programme: str,
    web_pool: Pool,
) -> None:
    relationship_id = await start_pair(api, programme)
    done = await anonymous.post(
        consent_form(link_signer, MENTOR, relationship_id), data={"decision": "accept"}
    )
    assert done.status_code == 200, done.text
    assert "is recorded" in done.text
    # No waiting: the events were stored before the workflow replied.
    assert await accepted_events(web_pool, relationship_id) == 1
    assert f"/relationships/{relationship_id}" in done.text


async def test_a_prompt_still_listed_after_it_closed_is_refused_and_applied_once(
    anonymous: httpx.AsyncClient,
    api: httpx.AsyncClient,
    link_signer: LinkSigner,
    programme: str,
    web_pool: Pool,
) -> None:
    relationship_id = await start_pair(api, programme)
    form_path = consent_form(link_signer, MENTOR, relationship_id)
    listed = await web_pool.fetchrow(
        "SELECT * FROM pending_prompts WHERE relationship_id = $1 AND prompt_id = $2",
        relationship_id,
        "consent:mentor",
    )
    assert listed is not None
    assert (await anonymous.post(form_path, data={"decision": "accept"})).status_code == 200
    assert await accepted_events(web_pool, relationship_id) == 1
    # The read model lags (as it does while PostgreSQL is slow): the answered prompt is listed.
    columns = list(listed.keys())
    await web_pool.execute(
        f"INSERT INTO pending_prompts ({', '.join(columns)})"
        f" VALUES ({', '.join(f'${n}' for n in range(1, len(columns) + 1))})",
        *listed.values(),
    )

    another = await anonymous.post(
        form_path, data={"decision": "accept", "answer_id": f"web-{uuid.uuid4().hex}"}
    )

    assert another.status_code == 410
    assert "no longer open" in another.text
    assert await accepted_events(web_pool, relationship_id) == 1
