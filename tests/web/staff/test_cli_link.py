"""`twoway staff link --person ID` prints a workspace link that the web app accepts."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx

from tests.web.conftest import LINK_SECRET
from tests.web.pairs import start_pair
from tests.web.stack import ThreadedStack


async def staff_link(web_stack: ThreadedStack, person: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    env.update(
        TWOWAY_HOME=str(web_stack.settings.home_dir),
        TWOWAY_LINK_SECRET=LINK_SECRET,
        TWOWAY_PUBLIC_BASE_URL=web_stack.base_url,
        TWOWAY_LOG_LEVEL="WARNING",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "staff", "link", "--person", person,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode().strip(), stderr.decode()


async def test_the_printed_link_opens_the_coordinators_workspace(
    api: httpx.AsyncClient, web_stack: ThreadedStack, programme: str
) -> None:
    await start_pair(api, programme)
    code, link, errors = await staff_link(web_stack, "coord-1")
    assert code == 0, errors
    assert link.startswith(f"{web_stack.base_url}/staff/")
    assert "valid until" in errors

    async with httpx.AsyncClient() as browser:
        opened = await browser.get(link)
    assert opened.status_code == 200
    assert "Your workspace" in opened.text
    assert programme in opened.text

    refused, _, message = await staff_link(web_stack, "not a person id")
    assert refused == 2
    assert "not a valid person id" in message
