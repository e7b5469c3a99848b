"""The one data converter every twoway client and worker uses."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from store.personal_data import Sealer
from twoway.codec import EncryptionCodec, Keyring, load_or_create_local_keyring
from twoway.settings import Settings


def build_data_converter(keyring: Keyring) -> DataConverter:
    """Pydantic payloads, AES-GCM encrypted, with failure messages encoded too."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def keyring_from_settings(settings: Settings) -> Keyring:
    if settings.encryption_keys is not None:
        return Keyring.parse(settings.encryption_keys.get_secret_value())
    return load_or_create_local_keyring(settings.key_file)


def sealer_from_settings(settings: Settings) -> Sealer:
    """Per-person keys for personal values in the event store, wrapped by the deployment key."""
    keyring = keyring_from_settings(settings)
    return Sealer(keyring.current_id, keyring.keys)


def data_converter_from_settings(settings: Settings) -> DataConverter:
    return build_data_converter(keyring_from_settings(settings))
