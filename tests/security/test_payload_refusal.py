"""Threat: someone who reaches Temporal without the payload key. A plaintext update or signal,
sent as any participant, must change nothing: the worker refuses payloads not encrypted with a
known key, the failure names why, and the relationship goes on answering its real participants.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence

import httpx
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes, PayloadCodec

from domain.commands import AnswerPrompt, RecordParticipantLeft
from domain.prompts import ConsentAnswer
from tests.fixtures.temporal import TEST_KEYRING
from tests.web.pairs import MENTEE, MENTOR, answer, handle_of, phase_of, start_pair
from twoway.codec import EncryptionCodec
from workflows.relationship import RelationshipWorkflow


class SendsPlaintext(PayloadCodec):
    """What a caller without the key sends (plaintext); it reads replies with the test key only
    so that the test can see the failure the worker wrote."""

    def __init__(self) -> None:
        self._reader = EncryptionCodec(TEST_KEYRING, refuse_unencrypted=False)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return await self._reader.decode(payloads)


async def keyless_client(client: Client) -> Client:
    converter = dataclasses.replace(
        pydantic_data_converter,
        payload_codec=SendsPlaintext(),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
    return await Client.connect(
        client.service_client.config.target_host,
        namespace=client.namespace,
        data_converter=converter,
    )


def messages_of(error: BaseException) -> str:
    chain: list[str] = []
    current: BaseException | None = error
    while current is not None:
        chain.append(str(current))
        current = current.__cause__
    return " / ".join(chain)


async def test_a_plaintext_answer_in_a_participants_name_is_refused_naming_why(
    api: httpx.AsyncClient, client: Client, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    forged = AnswerPrompt(
        answer_id=f"forged-{uuid.uuid4().hex}",
        prompt_id="consent:mentor",
        respondent_id=MENTOR,
        answer=ConsentAnswer(decision="decline", reason="forged"),
    )
    outsider = handle_of(await keyless_client(client), relationship_id)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await outsider.execute_update(RelationshipWorkflow.answer_prompt, forged)
    assert "not-encrypted-with-a-twoway-key" in messages_of(refused.value)

    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert state.prompts["consent:mentor"].is_open
    assert state.phase.value == "proposed"
    # The relationship is not blocked: its real participants still answer.
    await answer(
        client, relationship_id, "consent:mentor", MENTOR, ConsentAnswer(decision="accept")
    )
    state = await handle_of(client, relationship_id).query(RelationshipWorkflow.state)
    assert not state.prompts["consent:mentor"].is_open


async def test_a_plaintext_hr_signal_cannot_end_a_relationship(
    api: httpx.AsyncClient, client: Client, programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    outsider = handle_of(await keyless_client(client), relationship_id)
    await outsider.signal(
        RelationshipWorkflow.hr_event, RecordParticipantLeft(participant_id=MENTEE)
    )
    # A signal that is applied would end the pair at once; answer a prompt after it, so the
    # worker has certainly handled the signal before we look.
    await answer(
        client, relationship_id, "consent:mentor", MENTOR, ConsentAnswer(decision="accept")
    )
    assert await phase_of(client, relationship_id) == "proposed"
