"""AES-GCM payload encryption for everything twoway stores in Temporal.

The server then only ever holds ciphertext of inputs, results, memos and (through the failure
converter) failure messages. Search attributes and workflow ids are *not* encrypted, which is why
they never carry names or private text.

Never import this module from a workflow module: `cryptography` is a compiled package that the
workflow sandbox cannot re-import.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from twoway.logging import get_logger
from twoway.secret_files import create_secret_file

ENCODING = b"binary/encrypted"
_NONCE_BYTES = 12
_KEY_BYTES = 32


class KeyringError(ValueError):
    """The configured encryption keys cannot be used."""


@dataclass(frozen=True)
class Keyring:
    """The key that encrypts (`current_id`) and every key that may still decrypt."""

    current_id: str
    # Raw key material never appears in a repr, a log line or a traceback.
    keys: Mapping[str, bytes] = field(repr=False)

    def __post_init__(self) -> None:
        if self.current_id not in self.keys:
            raise KeyringError(f"current key id {self.current_id!r} is not in the keyring")
        for key_id, key in self.keys.items():
            if len(key) != _KEY_BYTES:
                raise KeyringError(f"key {key_id!r} must be {_KEY_BYTES} bytes (AES-256)")

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        """Parse `id1:base64,id2:base64`; the first pair encrypts, all decrypt (rotation)."""
        pairs = [item.strip() for item in spec.split(",") if item.strip()]
        if not pairs:
            raise KeyringError("no encryption key given")
        keys: dict[str, bytes] = {}
        for pair in pairs:
            key_id, sep, encoded = pair.partition(":")
            if not sep or not key_id:
                raise KeyringError("each key must look like `key_id:base64key`")
            try:
                keys[key_id] = base64.b64decode(encoded, validate=True)
            except ValueError as error:
                raise KeyringError(f"key {key_id!r} is not valid base64") from error
        return cls(current_id=pairs[0].partition(":")[0], keys=keys)

    def render(self) -> str:
        ordered = [self.current_id, *(k for k in self.keys if k != self.current_id)]
        return ",".join(f"{k}:{base64.b64encode(self.keys[k]).decode()}" for k in ordered)

    @classmethod
    def generate(cls, key_id: str = "k1") -> Keyring:
        return cls(current_id=key_id, keys={key_id: AESGCM.generate_key(bit_length=256)})


def load_or_create_local_keyring(key_file: Path) -> Keyring:
    """Local mode: one key generated on first use, kept with owner-only permissions."""
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        create_secret_file(key_file, Keyring.generate().render())
    try:
        return Keyring.parse(key_file.read_text())
    except KeyringError as error:
        raise KeyringError(f"key file {key_file}: {error}") from None


# What a refused payload becomes: no payload converter knows this encoding, so the handler that
# receives it fails ("Unknown payload encoding refused/...") with the reason in its message, and
# an update carrying it is rejected before it reaches the relationship's history.
REFUSED_NOT_ENCRYPTED = b"refused/not-encrypted-with-a-twoway-key"
REFUSED_UNKNOWN_KEY = b"refused/encrypted-with-an-unknown-key"
REFUSED_TAMPERED = b"refused/ciphertext-does-not-authenticate"

log = get_logger(__name__)


class EncryptionCodec(PayloadCodec):
    """Encrypts whole payloads; the key id rides in the metadata so keys can rotate.

    On decode, a payload that is not encrypted with a key of the keyring is refused (turned into
    a payload nothing can convert) rather than passed through: whoever can reach Temporal without
    the key could otherwise answer prompts or end relationships in a participant's name. Refusing
    by substitution rather than by raising keeps one bad update from failing the workflow task
    (which Temporal would retry, blocking the relationship) while still rejecting that update.
    ``refuse_unencrypted=False`` is for the codec server only, which shows payloads to an
    operator and never acts on them.
    """

    def __init__(self, keyring: Keyring, *, refuse_unencrypted: bool = True) -> None:
        self._keyring = keyring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}
        self._refuse_unencrypted = refuse_unencrypted

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(payload) for payload in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        key_id = self._keyring.current_id
        nonce = os.urandom(_NONCE_BYTES)
        # The key id is bound as associated data: a payload relabelled with another id fails.
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCODING, "encryption-key-id": key_id.encode()},
            data=nonce + sealed,
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            if not self._refuse_unencrypted:
                return payload
            return _refused(REFUSED_NOT_ENCRYPTED)
        key_id = payload.metadata.get("encryption-key-id", b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            if not self._refuse_unencrypted:
                raise KeyringError(f"payload was encrypted with unknown key id {key_id!r}")
            return _refused(REFUSED_UNKNOWN_KEY)
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag:
            if not self._refuse_unencrypted:
                raise
            return _refused(REFUSED_TAMPERED)
        decrypted = Payload()
        decrypted.ParseFromString(plain)
        return decrypted


def _refused(reason: bytes) -> Payload:
    # The reason only: the payload itself may hold a forged answer with personal text.
    log.warning("payload_refused", reason=reason.decode())
    return Payload(metadata={"encoding": reason})
