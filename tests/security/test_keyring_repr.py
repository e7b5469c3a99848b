"""Threat: raw payload keys in a log line or traceback through the keyring's repr."""

from __future__ import annotations

import base64

from twoway.codec import EncryptionCodec, Keyring


def test_the_keyring_repr_shows_key_ids_but_never_key_material() -> None:
    keyring = Keyring.generate("k-visible")
    key = keyring.keys["k-visible"]
    for shown in (repr(keyring), str(keyring), repr(EncryptionCodec(keyring).__dict__)):
        assert repr(key) not in shown
        assert base64.b64encode(key).decode() not in shown
        assert key.hex() not in shown
    assert "k-visible" in repr(keyring)
