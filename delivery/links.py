"""Signed, expiring inbox links: ``{public_base_url}/inbox/{token}``.

A token names one person and an expiry, signed with HMAC-SHA256 under a secret only the server
knows: whoever holds the link may answer that person's prompts until it expires, and no edit of
the token can point it at someone else. The web inbox verifies it with ``verify_link_token``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from twoway.settings import Settings

_VERSION = "v1"
# Domain separation: the same secret could sign other things later without tokens crossing over.
_PURPOSE = b"twoway-inbox-link\n"
_SECRET_BYTES = 32


class LinkTokenError(ValueError):
    """The token cannot be used; the message is safe to show (it never echoes the token)."""


class InvalidLinkTokenError(LinkTokenError):
    def __init__(self) -> None:
        super().__init__("this link is not valid: it was altered or not issued by this server")


class ExpiredLinkTokenError(LinkTokenError):
    def __init__(self, expired_at: datetime) -> None:
        super().__init__(f"this link expired at {expired_at.isoformat()}; ask for a new one")
        self.expired_at = expired_at


@dataclass(frozen=True)
class LinkSigner:
    secret: bytes = field(repr=False)
    ttl: timedelta = timedelta(days=14)

    def make(self, person_id: str, now: datetime) -> str:
        expires = int((now + self.ttl).timestamp())
        subject = _b64(person_id.encode())
        body = f"{_VERSION}.{subject}.{expires}"
        return f"{body}.{_b64(self._mac(body))}"

    def verify(self, token: str, now: datetime) -> str:
        """The person id the token was issued to; raises ``LinkTokenError`` otherwise."""
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != _VERSION:
            raise InvalidLinkTokenError()
        body = ".".join(parts[:3])
        try:
            mac = _unb64(parts[3])
            person_id = _unb64(parts[1]).decode()
            expires = int(parts[2])
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise InvalidLinkTokenError() from None
        # Signature first: a forged token must never learn whether its expiry would pass.
        if not hmac.compare_digest(mac, self._mac(body)):
            raise InvalidLinkTokenError()
        expired_at = datetime.fromtimestamp(expires, tz=now.tzinfo)
        if now >= expired_at:
            raise ExpiredLinkTokenError(expired_at)
        return person_id

    def _mac(self, body: str) -> bytes:
        return hmac.new(self.secret, _PURPOSE + body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create_link_secret(path: Path) -> bytes:
    """Local mode: one secret generated on first use, readable by the owner only."""
    if path.exists():
        return _unb64(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_bytes(_SECRET_BYTES)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process (web, dispatcher) won the race: use its secret so links agree.
        return _unb64(path.read_text().strip())
    with os.fdopen(descriptor, "w") as handle:
        handle.write(_b64(secret))
    return secret


def signer_from_settings(settings: Settings) -> LinkSigner:
    """The signer for the settings the caller read at its edge (see ``twoway.bootstrap``)."""
    if settings.link_secret is not None:
        secret = settings.link_secret.get_secret_value().encode()
        if len(secret) < 16:
            raise ValueError("TWOWAY_LINK_SECRET must be at least 16 characters")
    else:
        secret = load_or_create_link_secret(settings.link_secret_file)
    return LinkSigner(secret=secret, ttl=settings.link_ttl)


def make_link_token(person_id: str, now: datetime, signer: LinkSigner) -> str:
    return signer.make(person_id, now)


def verify_link_token(token: str, now: datetime, signer: LinkSigner) -> str:
    """The person id bound to ``token``, else raises a ``LinkTokenError`` (invalid or expired)."""
    return signer.verify(token, now)


def inbox_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/inbox/{token}"
