from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from delivery.links import (
    ExpiredLinkTokenError,
    InvalidLinkTokenError,
    LinkSigner,
    inbox_url,
    load_or_create_link_secret,
    make_link_token,
    verify_link_token,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_fresh_link_opens_the_inbox_of_its_person(signer: LinkSigner) -> None:
    token = make_link_token("emp-17", NOW, signer)

    assert verify_link_token(token, NOW + timedelta(days=13), signer) == "emp-17"
    assert inbox_url("http://host:8080/", token) == f"http://host:8080/inbox/{token}"


def test_a_link_expires_after_its_ttl(signer: LinkSigner) -> None:
    token = signer.make("emp-17", NOW)

    with pytest.raises(ExpiredLinkTokenError, match="expired"):
        signer.verify(token, NOW + timedelta(days=14))


def test_a_link_cannot_be_pointed_at_another_person(signer: LinkSigner) -> None:
    version, _, expires, mac = signer.make("emp-17", NOW).split(".")
    other = signer.make("emp-4", NOW).split(".")[1]

    with pytest.raises(InvalidLinkTokenError):
        signer.verify(f"{version}.{other}.{expires}.{mac}", NOW)


def test_a_link_cannot_be_extended_by_editing_its_expiry(signer: LinkSigner) -> None:
    version, subject, expires, mac = signer.make("emp-17", NOW).split(".")
    later = int(expires) + 365 * 86_400

    with pytest.raises(InvalidLinkTokenError):
        signer.verify(f"{version}.{subject}.{later}.{mac}", NOW)


def test_a_link_signed_with_another_secret_is_rejected(signer: LinkSigner) -> None:
    forged = LinkSigner(secret=b"someone-else-s-secret-32-bytes!!").make("emp-17", NOW)

    with pytest.raises(InvalidLinkTokenError):
        signer.verify(forged, NOW)


@pytest.mark.parametrize("garbage", ["", "abc", "v1.a.b.c", "v2.x.1.y", "v1.@@.9.%%", "v1..."])
def test_garbage_is_rejected_with_a_clear_error(signer: LinkSigner, garbage: str) -> None:
    with pytest.raises(InvalidLinkTokenError, match="not valid"):
        signer.verify(garbage, NOW)


def test_a_forged_expired_token_says_invalid_not_expired(signer: LinkSigner) -> None:
    forged = LinkSigner(secret=b"x" * 32).make("emp-17", NOW - timedelta(days=30))

    with pytest.raises(InvalidLinkTokenError):
        signer.verify(forged, NOW)


def test_the_local_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "link.secret"

    first = load_or_create_link_secret(path)
    second = load_or_create_link_secret(path)

    assert first == second
    assert len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
