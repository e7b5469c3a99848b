"""Property-based fuzzing of the HR API from its own OpenAPI schema: never a 5xx.

Both valid and deliberately invalid requests are generated (schemathesis' positive and negative
modes), with a real API key, against the real stack; a 5xx for any of them fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.web.conftest import API_KEY
from tests.web.stack import ThreadedStack
from twoway.settings import Settings
from web.app import create_app

EXAMPLES_PER_OPERATION = 25


def api_schema() -> Any:
    """The schema the app publishes at /openapi.json (building it needs no running service)."""
    loaded = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=EXAMPLES_PER_OPERATION,
        # The same cases on every run: a failure in CI is a failure on a laptop.
        deterministic=True,
    )
    return loaded


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as shared:
        shared.headers["Authorization"] = f"Bearer {API_KEY}"
        yield shared


schema = api_schema()


@schema.parametrize()  # type: ignore[untyped-decorator]
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_request_makes_the_api_fail_with_a_5xx(
    case: schemathesis.Case[Any], session: requests.Session, web_stack: ThreadedStack
) -> None:
    case.call_and_validate(
        base_url=web_stack.base_url, session=session, checks=[not_a_server_error], timeout=30
    )
