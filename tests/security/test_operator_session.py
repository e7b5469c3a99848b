"""Threat: the operator token leaking through its cookie or the Temporal server's command line.
Signing in sets a session id (never the token), signing out ends it everywhere, and the local
dev server is started without the token in its arguments."""

from __future__ import annotations

from pathlib import Path

import httpx

from localstack.stack import temporal_dev_server_argv
from tests.web.conftest import OPERATOR_TOKEN
from tests.web.test_codec import encrypted_body
from tests.web.test_programmes import create
from twoway.settings import Settings

COOKIES = ("twoway_operator", "twoway_operator_reports")


async def test_the_operator_cookie_is_a_session_that_signing_out_ends(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, programme: str
) -> None:
    await create(api, programme)
    signed_in = await anonymous.post("/codec/login", data={"token": OPERATOR_TOKEN})
    assert signed_in.status_code == 303
    values = {cookie.name: cookie.value for cookie in signed_in.cookies.jar}
    assert set(values) == set(COOKIES)
    assert OPERATOR_TOKEN not in values.values()

    async with httpx.AsyncClient(base_url=anonymous.base_url) as browser:
        browser.cookies = signed_in.cookies
        assert (await browser.get(f"/programmes/{programme}/report")).status_code == 200
        decoded = await browser.post("/codec/decode", json=await encrypted_body("operator"))
        assert decoded.status_code == 200
        # A copy of the cookies, as a proxy log or a stolen profile would keep them.
        kept = httpx.Cookies(browser.cookies)

        signed_out = await browser.post("/codec/logout")
        assert signed_out.status_code == 200
        assert "Signed out" in signed_out.text

    async with httpx.AsyncClient(base_url=anonymous.base_url, cookies=kept) as replay:
        assert (await replay.get(f"/programmes/{programme}/report")).status_code == 401
        again = await replay.post("/codec/decode", json=await encrypted_body("operator"))
        assert again.status_code == 401


def test_the_local_temporal_server_is_started_without_the_operator_token(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, operator_token=None, api_key_hashes=None)
    argv = temporal_dev_server_argv(settings)
    token = settings.operator_token_file.read_text().strip()
    assert len(token) >= 16
    assert not any(token in argument for argument in argv)
    assert any("/codec/" in argument for argument in argv), "the UI still has a codec endpoint"
