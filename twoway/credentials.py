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
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from store.organisations import DEFAULT_ORGANISATION
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


# DEFAULT_ORGANISATION is that of single-organisation deployments: every person, key and
# programme that names no organisation belongs to it, so keys from before organisations work.
_ORGANISATION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


class Scope(StrEnum):
    """What an HR API key may do; reading a person or a pair of its organisation needs none."""

    IMPORT_ROSTERS = "import-rosters"
    START_PAIRS = "start-pairs"
    READ_FIGURES = "read-figures"
    SEND_HR_EVENTS = "send-hr-events"
    MANAGE_STAFF = "manage-staff"


ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A known key: its digest, the organisation it acts for and what it may do."""

    digest: str = field(repr=False)
    organisation: str
    scopes: frozenset[Scope]

    @property
    def key_id(self) -> str:
        """A short name of the key, safe to store and show: the first hex digits of its digest."""
        return f"api-key:{self.digest.removeprefix(_HASH_PREFIX)[:12]}"

    def may(self, scope: Scope) -> bool:
        return scope in self.scopes


def _digest(text: str) -> str:
    digest = text.strip().lower()
    hex_part = digest.removeprefix(_HASH_PREFIX)
    if not digest.startswith(_HASH_PREFIX) or len(hex_part) != 64:
        raise CredentialConfigError(
            "TWOWAY_API_KEY_HASHES entries must look like sha256:<64 hex digits>"
            "[@organisation:scope+scope]"
        )
    try:
        bytes.fromhex(hex_part)
    except ValueError:
        raise CredentialConfigError("TWOWAY_API_KEY_HASHES holds a non-hex digest") from None
    return digest


def _organisation(text: str) -> str:
    name = text.strip().lower()
    if not name or len(name) > 40 or not set(name) <= _ORGANISATION_CHARS:
        raise CredentialConfigError(
            "An organisation in TWOWAY_API_KEY_HASHES is 1-40 of a-z, 0-9, '-', '_' or '.'"
        )
    return name


def _scopes(text: str) -> frozenset[Scope]:
    names = [name.strip().lower() for name in text.split("+") if name.strip()]
    known = {scope.value: scope for scope in Scope}
    unknown = sorted(set(names) - set(known))
    if unknown or not names:
        raise CredentialConfigError(
            "TWOWAY_API_KEY_HASHES scopes are one or more of "
            + ", ".join(sorted(known))
            + " joined by '+'"
        )
    return frozenset(known[name] for name in names)


def parse_api_key(entry: str) -> ApiKey:
    """``sha256:<hex>`` (the default organisation, every scope) or ``sha256:<hex>@org:a+b``."""
    digest_text, at, grant = entry.partition("@")
    if not at:
        return ApiKey(_digest(digest_text), DEFAULT_ORGANISATION, ALL_SCOPES)
    organisation, colon, scopes = grant.partition(":")
    if not colon:
        raise CredentialConfigError(
            "An organisation key in TWOWAY_API_KEY_HASHES names its scopes: sha256:<hex>@org:a+b"
        )
    return ApiKey(_digest(digest_text), _organisation(organisation), _scopes(scopes))


def parse_api_keys(spec: str) -> dict[str, ApiKey]:
    keys: dict[str, ApiKey] = {}
    for entry in (item for item in spec.split(",") if item.strip()):
        key = parse_api_key(entry)
        if key.digest in keys and keys[key.digest] != key:
            raise CredentialConfigError("TWOWAY_API_KEY_HASHES names one key twice, differently")
        keys[key.digest] = key
    if not keys:
        raise CredentialConfigError("TWOWAY_API_KEY_HASHES is set but names no key")
    return keys


def parse_key_hashes(spec: str) -> frozenset[str]:
    return frozenset(parse_api_keys(spec))


def load_or_create_secret_file(path: Path, make: str) -> str:
    """Local mode: the file's content, or ``make`` written once with owner-only permissions."""
    try:
        return load_or_create_secret(path, make)
    except SecretFileError as error:
        raise CredentialConfigError(str(error)) from None


@dataclass(frozen=True)
class Credentials:
    """What the web app accepts: API key digests and the operator token."""

    api_keys: Mapping[str, ApiKey] = field(repr=False)
    operator_token: str = field(repr=False)

    @property
    def api_key_hashes(self) -> frozenset[str]:
        return frozenset(self.api_keys)

    def api_key_of(self, presented: str) -> ApiKey | None:
        """The key ``presented`` names, or None when it is not a known one."""
        digest = hash_api_key(presented)
        # Compare against every digest so the time taken does not reveal which one matched.
        found: ApiKey | None = None
        for known, key in self.api_keys.items():
            if hmac.compare_digest(digest, known):
                found = key
        return found

    def api_key_is_valid(self, presented: str) -> bool:
        return self.api_key_of(presented) is not None

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
        keys = parse_api_keys(settings.api_key_hashes)
    else:
        local_key = load_or_create_secret_file(settings.api_key_file, generate_api_key())
        keys = parse_api_keys(hash_api_key(local_key))
    return Credentials(api_keys=keys, operator_token=operator_token_from_settings(settings))
