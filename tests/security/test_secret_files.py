"""Threat: an empty or short secret file. An empty ``link.secret`` lets anyone sign an inbox link
for any person; an empty ``operator.token`` lets an empty cookie through. Such a file stops the
start with an error that names it; new ones are made whole with owner-only permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from delivery.links import signer_from_settings
from twoway.codec import KeyringError
from twoway.converter import keyring_from_settings
from twoway.credentials import CredentialConfigError, credentials_from_settings
from twoway.secret_files import create_secret_file
from twoway.settings import Settings

ROOT = Path(__file__).parents[2]


def local_settings(home: Path) -> Settings:
    return Settings(home=home, api_key_hashes=None, operator_token=None, link_secret=None)


@pytest.mark.parametrize("content", ["", "\n", "short"])
def test_an_empty_or_short_link_secret_is_refused_naming_the_file(
    tmp_path: Path, content: str
) -> None:
    settings = local_settings(tmp_path)
    settings.link_secret_file.parent.mkdir(parents=True)
    settings.link_secret_file.write_text(content)
    with pytest.raises(ValueError, match=str(settings.link_secret_file)):
        signer_from_settings(settings)


@pytest.mark.parametrize("name", ["operator_token_file", "api_key_file"])
def test_an_empty_operator_token_or_api_key_file_is_refused_naming_the_file(
    tmp_path: Path, name: str
) -> None:
    settings = local_settings(tmp_path)
    path: Path = getattr(settings, name)
    path.parent.mkdir(parents=True)
    path.write_text("")
    with pytest.raises(CredentialConfigError, match=str(path)):
        credentials_from_settings(settings)


def test_an_empty_payload_key_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    settings.key_file.parent.mkdir(parents=True)
    settings.key_file.write_text("")
    with pytest.raises(KeyringError, match=str(settings.key_file)):
        keyring_from_settings(settings)


def test_secret_files_are_made_whole_and_owner_only_and_never_replaced(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    credentials_from_settings(settings)
    signer_from_settings(settings)
    keyring_from_settings(settings)
    for path in (
        settings.api_key_file,
        settings.operator_token_file,
        settings.link_secret_file,
        settings.key_file,
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert len(path.read_text().strip()) >= 16, path
    # A second writer (another process starting at once) never replaces the first one's secret.
    first = settings.link_secret_file.read_text()
    assert create_secret_file(settings.link_secret_file, "another-secret-0000000000") is False
    assert settings.link_secret_file.read_text() == first
    # No draft is left behind next to the secrets.
    assert sorted(p.name for p in settings.link_secret_file.parent.iterdir()) == [
        "api.key",
        "link.secret",
        "operator.token",
        "payload.keys",
    ]


def test_the_web_process_refuses_to_start_on_an_empty_link_secret(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    credentials_from_settings(settings)
    settings.link_secret_file.write_text("")
    environment = {
        **os.environ,
        "TWOWAY_HOME": str(tmp_path),
        # Nothing listens there: the start must stop on the secret before trying to connect.
        "TWOWAY_TEMPORAL_ADDRESS": "127.0.0.1:9",
        "TWOWAY_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
        "TWOWAY_WEB_PORT": "9",
    }
    for name in ("TWOWAY_LINK_SECRET", "TWOWAY_OPERATOR_TOKEN", "TWOWAY_API_KEY_HASHES"):
        environment.pop(name, None)
    finished = subprocess.run(
        [sys.executable, "-m", "web"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert str(settings.link_secret_file) in finished.stdout + finished.stderr
