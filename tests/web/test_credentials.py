"""API keys hashed at rest, local secrets made once with owner-only permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from localstack.stack import local_ui_codec_endpoint
from twoway.credentials import (
    CredentialConfigError,
    Scope,
    credentials_from_settings,
    ensure_local_api_key,
    hash_api_key,
    parse_api_keys,
    parse_key_hashes,
)
from twoway.settings import Settings


def local_settings(home: Path) -> Settings:
    return Settings(home=home, web_port=18080, api_key_hashes=None, operator_token=None)


def test_local_mode_makes_one_api_key_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    key_file = ensure_local_api_key(settings)
    assert key_file == settings.api_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert ensure_local_api_key(settings) == key_file
    assert key_file.read_text().strip() == key
    credentials = credentials_from_settings(settings)
    assert credentials.api_key_is_valid(key)
    assert not credentials.api_key_is_valid(key + "x")
    assert key not in repr(credentials)


def test_configured_digests_accept_their_keys_and_no_file_is_written(tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path,
        api_key_hashes=f"{hash_api_key('tw_one')}, {hash_api_key('tw_two')}",
        operator_token="operator-token-of-some-length",
    )
    credentials = credentials_from_settings(settings)
    assert credentials.api_key_is_valid("tw_one")
    assert credentials.api_key_is_valid("tw_two")
    assert ensure_local_api_key(settings) is None
    assert not settings.api_key_file.exists()


@pytest.mark.parametrize("spec", ["md5:abc", "sha256:xyz", "sha256:" + "g" * 64, " , "])
def test_a_malformed_digest_list_is_refused_at_start(spec: str) -> None:
    with pytest.raises(CredentialConfigError):
        parse_key_hashes(spec)


def test_the_local_ui_codec_endpoint_carries_a_decode_capability_not_the_token(
    tmp_path: Path,
) -> None:
    settings = local_settings(tmp_path)
    endpoint = local_ui_codec_endpoint(settings)
    token = settings.operator_token_file.read_text().strip()
    credentials = credentials_from_settings(settings)
    assert endpoint == f"http://127.0.0.1:18080/codec/{credentials.ui_codec_capability}"
    assert token not in endpoint
    assert stat.S_IMODE(settings.operator_token_file.stat().st_mode) == 0o600
    assert credentials.operator_token_is_valid(token)


def test_a_bare_digest_is_a_default_organisation_key_with_every_scope() -> None:
    [key] = parse_api_keys(hash_api_key("tw_old")).values()
    assert key.organisation == "default"
    assert key.scopes == frozenset(Scope)
    assert key.key_id == f"api-key:{hash_api_key('tw_old').removeprefix('sha256:')[:12]}"


def test_an_organisation_key_carries_its_organisation_and_only_its_scopes(tmp_path: Path) -> None:
    spec = f"{hash_api_key('tw_old')},{hash_api_key('tw_acme')}@Acme:read-figures+send-hr-events"
    settings = Settings(home=tmp_path, api_key_hashes=spec, operator_token="x" * 20)
    credentials = credentials_from_settings(settings)
    key = credentials.api_key_of("tw_acme")
    assert key is not None
    assert key.organisation == "acme"
    assert key.scopes == {Scope.READ_FIGURES, Scope.SEND_HR_EVENTS}
    assert not key.may(Scope.IMPORT_ROSTERS)
    assert credentials.api_key_of("tw_nobody") is None
    assert "acme" in repr(key)
    assert key.digest not in repr(key)


@pytest.mark.parametrize(
    "grant", ["@acme", "@acme:", "@acme:fly", "@:read-figures", "@a b:read-figures"]
)
def test_a_malformed_organisation_grant_is_refused_at_start(grant: str) -> None:
    with pytest.raises(CredentialConfigError):
        parse_api_keys(hash_api_key("tw_acme") + grant)
