"""The real stack of the web tests (dev server, PostgreSQL, worker, web app over HTTP), a mail
sink with a dispatcher, and headless Chromium: what every threat in docs/security.md is tried on.
"""

from __future__ import annotations

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

# The same mailbox and browser as the participants' page tests (a missing Chromium fails them
# under CI: these tests are the proof of docs/security.md).
from tests.web.test_browser import browser, mailbox

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
