"""What an operator (or anyone with server access) reads from the raw history: ids, types and
search attributes, but no private note and no individual answer in plaintext."""

from __future__ import annotations

import uuid

import httpx
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from domain.prompts import ConsentAnswer
from tests.web.pairs import answer, handle_of
from twoway.settings import Settings

MENTOR = "emp-private-mentor"
MENTEE = "emp-private-mentee"


async def test_the_raw_history_holds_no_private_note_or_answer_in_plaintext(
    api: httpx.AsyncClient, client: Client, web_settings: Settings, programme: str
) -> None:
    marker = f"PRIVATE-{uuid.uuid4().hex}"
    response = await api.post(
        "/api/v1/pairs",
        json={
            "programme_id": programme,
            "mentor_id": MENTOR,
            "mentee_id": MENTEE,
            "coordinator_id": "coord-1",
            "owner_id": "owner-1",
        },
    )
    assert response.status_code == 201, response.text
    relationship_id = response.json()["relationship_id"]
    await answer(
        client, relationship_id, "consent:mentor", MENTOR, ConsentAnswer(decision="accept")
    )
    declined = ConsentAnswer(decision="decline", reason=f"{marker} my manager is unkind")
    await answer(client, relationship_id, "consent:mentee", MENTEE, declined)
    outcome = await handle_of(client, relationship_id).result()
    assert outcome.phase == "declined"

    # No codec: the bytes exactly as the server stores and serves them.
    raw_client = await Client.connect(web_settings.temporal_target, namespace=client.namespace)
    history = await raw_client.get_workflow_handle(relationship_id).fetch_history()
    # Search attributes are ids on purpose (`AwaitingResponseFrom` lists whose answer is due,
    # for operators' filters), unencrypted by design; every other event's payloads are sealed.
    raw = b"".join(
        event.SerializeToString()
        for event in history.events
        if event.event_type != EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    )
    assert len(history.events) > 10
    for plaintext in (marker, "my manager is unkind", '"decision"', '"reason"', MENTEE + '"'):
        assert plaintext.encode() not in raw, f"{plaintext!r} is readable in the raw history"
    # Not vacuous: the reason is in the history, readable with the key.
    codec = client.data_converter.payload_codec
    assert codec is not None
    inputs = [
        payload
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        for payload in accepted_input(event)
    ]
    decoded = await codec.decode(inputs)
    assert any(marker.encode() in payload.data for payload in decoded)


def accepted_input(event: HistoryEvent) -> list[Payload]:
    request = event.workflow_execution_update_accepted_event_attributes.accepted_request
    return list(request.input.args.payloads)
