"""The real stack of the web tests (dev server, PostgreSQL, worker, web app over HTTP), a mail
sink with a dispatcher, and headless Chromium: what every threat in docs/security.md is tried on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from delivery.dispatcher import Dispatcher, MailIdentity
from delivery.email import SmtpMailer
from delivery.links import LinkSigner
from delivery.mailsink import MailStore, SinkHandler, start_sink
from store.database import Pool
from tests.fixtures.chromium import CHROMIUM_ARGS, chromium_path
from tests.web.conftest import (
    anonymous,
    api,
    client,
    link_signer,
    programme,
    web_database_url,
    web_pool,
    web_settings,
    web_stack,
)
from tests.web.stack import ThreadedStack
from tests.web.test_browser import Mailbox

__all__ = [
    "anonymous",
    "api",
    "browser",
    "client",
    "link_signer",
    "mailbox",
    "programme",
    "web_database_url",
    "web_pool",
    "web_settings",
    "web_stack",
]


@pytest_asyncio.fixture(loop_scope="session")
async def mailbox(
    tmp_path: Path, web_pool: Pool, web_stack: ThreadedStack, link_signer: LinkSigner
) -> AsyncIterator[Mailbox]:
    store = MailStore(tmp_path / "mail")
    server = await start_sink(SinkHandler(store), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    dispatcher = Dispatcher(
        web_pool,
        mailer=SmtpMailer(host="127.0.0.1", port=port, timeout=10),
        identity=MailIdentity(
            sender="twoway <twoway@example.test>",
            links_base_url=web_stack.base_url,
            signer=link_signer,
        ),
    )
    yield Mailbox(store=store, dispatcher=dispatcher)
    server.close()
    await server.wait_closed()


@pytest_asyncio.fixture(loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    # No skip when Chromium is missing: these tests are the proof of docs/security.md.
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()
