"""HR API keys and the operator token: how they are made, kept and checked.

API keys are long random tokens, so one SHA-256 is enough to keep them safe at rest: a slow
password hash protects guessable secrets, and nobody guesses 256 random bits. The server only
ever holds the digests (``TWOWAY_API_KEY_HASHES``); in local mode one key is generated once into
``TWOWAY_HOME/keys/api.key`` (mode 0600) for the person running the stack to read.

Part of the platform, not of the web app: the local stack reads the operator token too, to point
the Temporal UI at the codec endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from twoway.secret_files import SecretFileError, load_or_create_secret
from twoway.settings import Settings

_HASH_PREFIX = "sha256:"
_KEY_PREFIX = "tw_"
_UI_CODEC_PURPOSE = b"twoway-ui-codec-capability"


class CredentialConfigError(ValueError):
    """A configured digest or token cannot be used."""


def hash_api_key(key: str) -> str:
    return _HASH_PREFIX + hashlib.sha256(key.encode()).hexdigest()


def generate_api_key() -> str:
    return _KEY_PREFIX + secrets.token_urlsafe(32)


def parse_key_hashes(spec: str) -> frozenset[str]:
    digests = frozenset(item.strip().lower() for item in spec.split(",") if item.strip())
    for digest in digests:
        hex_part = digest.removeprefix(_HASH_PREFIX)
        if not digest.startswith(_HASH_PREFIX) or len(hex_part) != 64:
            raise CredentialConfigError(
                "TWOWAY_API_KEY_HASHES entries must look like sha256:<64 hex digits>"
            )
        try:
            bytes.fromhex(hex_part)
        except ValueError:
            raise CredentialConfigError("TWOWAY_API_KEY_HASHES holds a non-hex digest") from None
    if not digests:
        raise CredentialConfigError("TWOWAY_API_KEY_HASHES is set but names no key")
    return digests


def load_or_create_secret_file(path: Path, make: str) -> str:
    """Local mode: the file's content, or ``make`` written once with owner-only permissions."""
    try:
        return load_or_create_secret(path, make)
    except SecretFileError as error:
        raise CredentialConfigError(str(error)) from None


@dataclass(frozen=True)
class Credentials:
    """What the web app accepts: API key digests and the operator token."""

    api_key_hashes: frozenset[str] = field(repr=False)
    operator_token: str = field(repr=False)

    def api_key_is_valid(self, presented: str) -> bool:
        digest = hash_api_key(presented)
        # Compare against every digest so the time taken does not reveal which one matched.
        matches = [hmac.compare_digest(digest, known) for known in self.api_key_hashes]
        return any(matches)

    def operator_token_is_valid(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.operator_token.encode())

    @property
    def ui_codec_capability(self) -> str:
        """The path secret of ``/codec/{capability}/decode``, for a UI that sends no credentials.

        Derived from the operator token but not it: it travels on the Temporal dev server's
        command line (which any local user can read), and only decodes payloads, which that
        unauthenticated loopback UI shows anyway; it opens no report and no sign-in.
        """
        mac = hmac.new(self.operator_token.encode(), _UI_CODEC_PURPOSE, hashlib.sha256)
        return mac.hexdigest()

    def ui_codec_capability_is_valid(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.ui_codec_capability.encode())


def operator_token_from_settings(settings: Settings) -> str:
    if settings.operator_token is not None:
        token = settings.operator_token.get_secret_value()
        if len(token) < 16:
            raise CredentialConfigError("TWOWAY_OPERATOR_TOKEN must be at least 16 characters")
        return token
    return load_or_create_secret_file(settings.operator_token_file, secrets.token_urlsafe(32))


def ensure_local_api_key(settings: Settings) -> Path | None:
    """Local mode: the file holding the one API key (created on first use); None if configured."""
    if settings.api_key_hashes is not None:
        return None
    load_or_create_secret_file(settings.api_key_file, generate_api_key())
    return settings.api_key_file


def credentials_from_settings(settings: Settings) -> Credentials:
    if settings.api_key_hashes is not None:
        hashes = parse_key_hashes(settings.api_key_hashes)
    else:
        local_key = load_or_create_secret_file(settings.api_key_file, generate_api_key())
        hashes = frozenset({hash_api_key(local_key)})
    return Credentials(api_key_hashes=hashes, operator_token=operator_token_from_settings(settings))
