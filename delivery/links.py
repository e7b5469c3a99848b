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
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from twoway.secret_files import SecretFileError, load_or_create_secret
from twoway.settings import Settings

_VERSION = "v1"
# Domain separation: the same secret signs inbox and staff links without tokens crossing over.
_PURPOSE = b"twoway-inbox-link\n"
_STAFF_PURPOSE = b"twoway-staff-link\n"
_SECRET_BYTES = 32
# version . base64url(person id) . expiry in epoch seconds . base64url(32-byte HMAC), nothing else.
_TOKEN_SHAPE = re.compile(r"v1\.[A-Za-z0-9_-]{1,400}\.[1-9][0-9]{0,11}\.[A-Za-z0-9_-]{43}")
_MIN_SECRET_BYTES = 16


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
    purpose: bytes = _PURPOSE

    def for_staff(self) -> LinkSigner:
        """The signer of staff workspace links: same secret, tokens that never open an inbox."""
        return replace(self, purpose=_STAFF_PURPOSE)

    def make(self, person_id: str, now: datetime) -> str:
        expires = int((now + self.ttl).timestamp())
        subject = _b64(person_id.encode())
        body = f"{_VERSION}.{subject}.{expires}"
        return f"{body}.{_b64(self._mac(body))}"

    def verify(self, token: str, now: datetime) -> str:
        """The person id the token was issued to; raises ``LinkTokenError`` otherwise.

        Decoding is strict: only the exact text ``make`` produces verifies, so a token with junk
        appended, padding, or another spelling of the same bytes is refused.
        """
        if _TOKEN_SHAPE.fullmatch(token) is None:
            raise InvalidLinkTokenError()
        _, subject, expires_text, mac_text = token.split(".")
        body = f"{_VERSION}.{subject}.{expires_text}"
        try:
            mac = _unb64(mac_text)
            person_id = _unb64(subject).decode()
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise InvalidLinkTokenError() from None
        # Signature first: a forged token must never learn whether its expiry would pass.
        if not hmac.compare_digest(mac, self._mac(body)):
            raise InvalidLinkTokenError()
        expired_at = datetime.fromtimestamp(int(expires_text), tz=now.tzinfo)
        if now >= expired_at:
            raise ExpiredLinkTokenError(expired_at)
        return person_id

    def _mac(self, body: str) -> bytes:
        return hmac.new(self.secret, self.purpose + body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    """Strict base64url without padding: anything ``_b64`` would not have written is refused."""
    raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64(raw) != text:
        raise ValueError("not the canonical base64url spelling")
    return raw


def load_or_create_link_secret(path: Path) -> bytes:
    """Local mode: one secret generated on first use, readable by the owner only.

    An empty or short file is refused (naming it): with an empty secret anyone could sign a
    link for any person.
    """
    encoded = load_or_create_secret(path, _b64(secrets.token_bytes(_SECRET_BYTES)))
    try:
        secret = _unb64(encoded)
    except (ValueError, binascii.Error):
        raise SecretFileError(f"secret file {path} is not base64url") from None
    if len(secret) < _MIN_SECRET_BYTES:
        raise SecretFileError(
            f"secret file {path} holds only {len(secret)} bytes; at least {_MIN_SECRET_BYTES}"
            " are needed. Delete it to have a new one made."
        )
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


def staff_url(base_url: str, token: str) -> str:
    """The staff workspace of the person a staff token names."""
    return f"{base_url.rstrip('/')}/staff/{token}"


def case_url(base_url: str, token: str, escalation_key: str) -> str:
    """One escalation case in the staff workspace (its key is ``relationship_id:escalation_id``)."""
    return f"{staff_url(base_url, token)}/cases/{quote(escalation_key, safe='')}"
