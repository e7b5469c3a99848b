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
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
_NONCE_BYTES = 12
_KEY_BYTES = 32


class KeyringError(ValueError):
    """The configured encryption keys cannot be used."""


@dataclass(frozen=True)
class Keyring:
    """The key that encrypts (`current_id`) and every key that may still decrypt."""

    current_id: str
    keys: Mapping[str, bytes]

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
    if key_file.exists():
        return Keyring.parse(key_file.read_text())
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    keyring = Keyring.generate()
    # Written whole to a private temporary file, then linked into place: two processes starting
    # at once on a fresh home agree on one key, and neither ever reads a half-written file.
    draft = key_file.with_name(f".{key_file.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(keyring.render())
    try:
        os.link(draft, key_file)
    except FileExistsError:
        return Keyring.parse(key_file.read_text())
    finally:
        draft.unlink()
    return keyring


class EncryptionCodec(PayloadCodec):
    """Encrypts whole payloads; the key id rides in the metadata so keys can rotate."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}

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
            # Legacy or foreign payloads written before encryption was on still decode.
            return payload
        key_id = payload.metadata["encryption-key-id"].decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise KeyringError(f"payload was encrypted with unknown key id {key_id!r}")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        decrypted = Payload()
        decrypted.ParseFromString(cipher.decrypt(nonce, sealed, key_id.encode()))
        return decrypted
