"""The reliability tests reuse the real web stack of tests/web (dev server, worker, web app)."""

from tests.web.conftest import (  # noqa: F401  (fixtures, found by name)
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
