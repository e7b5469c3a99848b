"""Payload encryption: round trip, key rotation, legacy payloads, and ciphertext at rest."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from twoway.codec import (
    REFUSED_NOT_ENCRYPTED,
    REFUSED_UNKNOWN_KEY,
    EncryptionCodec,
    Keyring,
    KeyringError,
    load_or_create_local_keyring,
)

SECRET_NOTE = "my-manager-keeps-interrupting-me-4711"


class Note(BaseModel):
    text: str


@workflow.defn(sandboxed=False)
class EchoNoteWorkflow:
    @workflow.run
    async def run(self, note: Note) -> Note:
        return Note(text=note.text.upper())


def plain(data: bytes) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=data)


async def test_encoded_payload_hides_plaintext_and_decodes_back() -> None:
    codec = EncryptionCodec(Keyring.generate())
    [encoded] = await codec.encode([plain(SECRET_NOTE.encode())])
    assert SECRET_NOTE.encode() not in encoded.SerializeToString()
    [decoded] = await codec.decode([encoded])
    assert decoded.data == SECRET_NOTE.encode()


async def test_rotated_keyring_still_decodes_payloads_of_the_old_key() -> None:
    old = Keyring.generate("k1")
    [encoded_with_old] = await EncryptionCodec(old).encode([plain(b"before rotation")])
    new_key = Keyring.generate("k2")
    rotated = Keyring(current_id="k2", keys={**new_key.keys, **old.keys})
    codec = EncryptionCodec(rotated)
    [decoded] = await codec.decode([encoded_with_old])
    assert decoded.data == b"before rotation"
    [encoded_with_new] = await codec.encode([plain(b"after")])
    assert encoded_with_new.metadata["encryption-key-id"] == b"k2"


async def test_unknown_key_is_refused_by_the_worker_and_named_by_the_codec_server() -> None:
    [encoded] = await EncryptionCodec(Keyring.generate("gone")).encode([plain(b"x")])
    [refused] = await EncryptionCodec(Keyring.generate("k9")).decode([encoded])
    assert refused.metadata["encoding"] == REFUSED_UNKNOWN_KEY
    assert refused.data == b""
    with pytest.raises(KeyringError, match="gone"):
        await EncryptionCodec(Keyring.generate("k9"), refuse_unencrypted=False).decode([encoded])


async def test_unencrypted_payload_is_refused_but_shown_as_is_by_the_codec_server() -> None:
    legacy = plain(b'{"text": "written before encryption"}')
    [refused] = await EncryptionCodec(Keyring.generate()).decode([legacy])
    assert refused.metadata["encoding"] == REFUSED_NOT_ENCRYPTED
    assert b"written before encryption" not in refused.SerializeToString()
    lenient = EncryptionCodec(Keyring.generate(), refuse_unencrypted=False)
    [decoded] = await lenient.decode([legacy])
    assert decoded == legacy


def test_keyring_spec_round_trips_and_bad_specs_say_why() -> None:
    keyring = Keyring.generate("main")
    assert Keyring.parse(keyring.render()) == keyring
    with pytest.raises(KeyringError, match="key_id:base64key"):
        Keyring.parse("nocolon")
    with pytest.raises(KeyringError, match="32 bytes"):
        Keyring.parse("short:c2hvcnQ=")


def test_local_key_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "payload.keys"
    first = load_or_create_local_keyring(key_file)
    second = load_or_create_local_keyring(key_file)
    assert first == second
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_key_written_meanwhile_by_another_process_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "keys" / "payload.keys"
    theirs = Keyring.generate("theirs")
    generate = Keyring.generate

    def generate_while_another_process_finishes_first(key_id: str = "k1") -> Keyring:
        key_file.write_text(theirs.render())
        return generate(key_id)

    monkeypatch.setattr(Keyring, "generate", generate_while_another_process_finishes_first)
    assert load_or_create_local_keyring(key_file) == theirs
    assert sorted(path.name for path in key_file.parent.iterdir()) == ["payload.keys"]


async def test_raw_history_on_the_server_holds_no_plaintext(
    dev_server_env: WorkflowEnvironment,
) -> None:
    client = dev_server_env.client
    task_queue = f"codec-{uuid.uuid4()}"
    async with Worker(client, task_queue=task_queue, workflows=[EchoNoteWorkflow]):
        result = await client.execute_workflow(
            EchoNoteWorkflow.run, Note(text=SECRET_NOTE), id=task_queue, task_queue=task_queue
        )
    assert result.text == SECRET_NOTE.upper()
    raw_client = await Client.connect(
        client.service_client.config.target_host, namespace=client.namespace
    )
    history = await raw_client.get_workflow_handle(task_queue).fetch_history()
    # Protobuf bytes, not JSON: JSON would base64 the payloads and hide plaintext anyway.
    raw = b"".join(event.SerializeToString() for event in history.events)
    assert SECRET_NOTE.encode() not in raw
    assert SECRET_NOTE.upper().encode() not in raw
    assert b"binary/encrypted" in raw
