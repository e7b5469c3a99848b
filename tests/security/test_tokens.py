"""Threat: an inbox link with junk appended (or re-spelled) still opening the person's inbox.
Only the exact text the server issued verifies."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from delivery.links import InvalidLinkTokenError, LinkSigner
from tests.web.pairs import MENTEE

SIGNER = LinkSigner(secret=b"test-only-link-secret-00000000000")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def altered_spellings(token: str) -> list[str]:
    version, subject, expires, mac = token.split(".")
    return [
        token + "!",
        token + "~",
        token + "=",
        token + "==",
        token + "\n",
        token + ".extra",
        f"{version}.{subject}=.{expires}.{mac}",
        f"{version}.{subject}.+{expires}.{mac}",
        f"{version}.{subject}.0{expires}.{mac}",
        f"{version}.{subject}.{expires}.{mac[:-1]}!{mac[-1]}",
        " " + token,
    ]


def test_the_issued_token_verifies_and_no_other_spelling_of_it_does() -> None:
    token = SIGNER.make(MENTEE, NOW)
    assert SIGNER.verify(token, NOW) == MENTEE
    for altered in altered_spellings(token):
        with pytest.raises(InvalidLinkTokenError):
            SIGNER.verify(altered, NOW)


async def test_an_inbox_link_with_junk_appended_is_refused(
    anonymous: httpx.AsyncClient, link_signer: LinkSigner
) -> None:
    token = link_signer.make(MENTEE, datetime.now(UTC))
    assert (await anonymous.get(f"/inbox/{token}")).status_code == 200
    # Four characters: a lenient base64 decoder drops them and still finds its padding right.
    for junk in ("!!!!", "~~~~", "*()!", "%00%00%00%00", "!"):
        response = await anonymous.get(f"/inbox/{token}{junk}")
        assert response.status_code == 403, junk
        assert "not valid" in response.text
