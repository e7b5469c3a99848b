"""`twoway up`: start, supervise and stop the local stack.

Order matters: PostgreSQL (migrated) and the Temporal dev server first, then the worker, which
needs both. On stop the order is reversed, so no worker loses its server mid-task.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import urllib.request
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import asyncpg
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from delivery.mailsink import sink_answers
from localstack.binaries import temporal_cli
from localstack.ports import ensure_ports_free
from localstack.postgres import EmbeddedPostgres
from localstack.processes import ManagedProcess
from localstack.stack_state import (
    HomeLock,
    StackState,
    remove_stack_state,
    write_stack_state,
)
from store.database import create_pool
from store.migrations import apply_migrations
from twoway.credentials import credentials_from_settings
from twoway.settings import Settings
from workflows.search_attributes import cli_flags

TEMPORAL_START_TIMEOUT = 90.0
WORKER_START_TIMEOUT = 60.0
MAIL_START_TIMEOUT = 30.0
# A child that crashes is restarted, unless it crashed this often within the window.
WEB_START_TIMEOUT = 60.0
RESTART_LIMIT = 5
RESTART_WINDOW = 60.0


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (our own URL)
            return bool(response.status == 200)
    except OSError:
        return False


def _file_mentions(log_file: Path, marker: str) -> bool:
    return log_file.exists() and marker in log_file.read_text(errors="replace")


async def _log_mentions(log_file: Path, marker: str) -> bool:
    return await asyncio.to_thread(_file_mentions, log_file, marker)


def local_ui_codec_endpoint(settings: Settings) -> str:
    """The value for ``temporal server start-dev --ui-codec-endpoint`` (token made on first use).

    It is visible on the server's command line, so it carries the decode-only capability, never
    the operator token.
    """
    capability = credentials_from_settings(settings).ui_codec_capability
    return f"http://127.0.0.1:{settings.web_port}/codec/{capability}"


def temporal_dev_server_argv(settings: Settings) -> list[str]:
    data_dir = settings.home_dir / "temporal"
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        str(temporal_cli()),
        "server",
        "start-dev",
        "--db-filename",
        str(data_dir / "temporal.db"),
        "--ip",
        "127.0.0.1",
        "--port",
        str(settings.temporal_port),
        "--ui-port",
        str(settings.ui_port),
        "--namespace",
        settings.namespace,
        "--log-level",
        "warn",
        "--ui-disable-news-fetch",
        # Operators read decoded payloads in the UI; the server itself only holds ciphertext.
        "--ui-codec-endpoint",
        local_ui_codec_endpoint(settings),
        # WAL with normal sync: several times the throughput of full sync on disk; a crash of
        # the *machine* (not of the process) may lose the last few transactions.
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        *cli_flags(),
    ]


async def temporal_answers(address: str, namespace: str) -> bool:
    try:
        client = await Client.connect(address, namespace=namespace)
        await client.service_client.check_health()
    except Exception:
        return False
    return True


async def worker_polls(address: str, namespace: str, task_queue: str) -> bool:
    """Ready means a worker is actually polling the task queue, not merely started."""
    try:
        client = await Client.connect(address, namespace=namespace)
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
    except Exception:
        return False
    return len(response.pollers) > 0


async def migrate(database_url: str) -> list[str]:
    pool = await create_pool(database_url, max_size=2)
    try:
        return await apply_migrations(pool)
    finally:
        await pool.close()


async def database_answers(database_url: str) -> bool:
    try:
        connection = await asyncpg.connect(database_url, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


class LocalStack:
    """Everything `twoway up` runs, and the order to run and stop it in."""

    def __init__(self, settings: Settings, announce: Callable[[str], None] = print) -> None:
        self.settings = settings
        self.announce = announce
        self.lock = HomeLock(settings.home_dir)
        self.postgres: EmbeddedPostgres | None = None
        self.children: list[ManagedProcess] = []
        self.database_url = settings.database_url or ""

    def _ports_to_check(self) -> list[tuple[str, int]]:
        ports: list[tuple[str, int]] = []
        if self.settings.uses_embedded_temporal:
            ports += [
                ("TWOWAY_TEMPORAL_PORT", self.settings.temporal_port),
                ("TWOWAY_UI_PORT", self.settings.ui_port),
            ]
        if self.settings.uses_local_mail_sink:
            ports.append(("TWOWAY_SMTP_PORT", self.settings.smtp_port))
        ports.append(("TWOWAY_WEB_PORT", self.settings.web_port))
        return ports

    async def start(self) -> StackState:
        self.settings.home_dir.mkdir(parents=True, exist_ok=True)
        self.lock.acquire()
        ensure_ports_free(self._ports_to_check())
        self.announce("twoway: starting PostgreSQL ...")
        await self._start_postgres()
        applied = await migrate(self.database_url)
        if applied:
            self.announce(f"twoway: applied migrations {', '.join(applied)}")
        self.announce("twoway: starting the Temporal server and Web UI ...")
        await self._start_temporal()
        self.announce("twoway: starting the worker ...")
        await self._start_worker()
        await self._start_mail()
        await self._start_web()
        state = self._state()
        write_stack_state(self.settings, state)
        return state

    async def _start_postgres(self) -> None:
        if not self.settings.uses_embedded_postgres:
            return
        self.postgres = EmbeddedPostgres(self.settings.home_dir / "postgres")
        self.database_url = await asyncio.to_thread(self.postgres.start)

    async def _start_temporal(self) -> None:
        if not self.settings.uses_embedded_temporal:
            return
        server = ManagedProcess(
            name="temporal",
            argv=temporal_dev_server_argv(self.settings),
            log_file=self.log_path("temporal"),
        )
        self.children.append(server)
        await server.start()
        address, namespace = self.settings.temporal_target, self.settings.namespace
        await server.wait_ready(
            lambda: temporal_answers(address, namespace), TEMPORAL_START_TIMEOUT
        )

    async def _start_worker(self) -> None:
        worker = await self._start_child("worker", ["-m", "worker"])
        settings = self.settings
        await worker.wait_ready(
            lambda: worker_polls(settings.temporal_target, settings.namespace, settings.task_queue),
            WORKER_START_TIMEOUT,
        )

    async def _start_mail(self) -> None:
        """The local SMTP sink (unless mail goes to a real relay), then the outbox dispatcher."""
        settings = self.settings
        if settings.uses_local_mail_sink:
            self.announce("twoway: starting the local mail sink ...")
            sink = await self._start_child("mailsink", ["-m", "delivery.mailsink"])
            host, port = settings.smtp_host, settings.smtp_port
            await sink.wait_ready(lambda: sink_answers(host, port), MAIL_START_TIMEOUT)
        self.announce("twoway: starting the outbox dispatcher ...")
        dispatcher = await self._start_child("dispatcher", ["-m", "delivery.dispatcher"])
        log_file = dispatcher.log_file
        await dispatcher.wait_ready(
            lambda: _log_mentions(log_file, "dispatcher_started"), MAIL_START_TIMEOUT
        )

    async def _start_web(self) -> None:
        """The HR API, the participants' inbox and the UI's codec endpoint."""
        self.announce("twoway: starting the web app ...")
        web = await self._start_child("web", ["-m", "web"])
        health = f"{self.web_url}/healthz"
        await web.wait_ready(lambda: asyncio.to_thread(http_ok, health), WEB_START_TIMEOUT)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    async def _start_child(self, name: str, python_args: list[str]) -> ManagedProcess:
        child = ManagedProcess(
            name=name,
            argv=[sys.executable, *python_args],
            log_file=self.log_path(name),
            env=self._child_env(),
        )
        self.children.append(child)
        await child.start()
        return child

    def _child_env(self) -> dict[str, str]:
        return {
            "TWOWAY_HOME": str(self.settings.home_dir),
            "TWOWAY_TEMPORAL_ADDRESS": self.settings.temporal_target,
            "TWOWAY_DATABASE_URL": self.database_url,
            "TWOWAY_NAMESPACE": self.settings.namespace,
            "TWOWAY_TASK_QUEUE": self.settings.task_queue,
        }

    def log_path(self, name: str) -> Path:
        return self.settings.home_dir / "logs" / f"{name}.log"

    def _state(self) -> StackState:
        ui_url = (
            f"http://127.0.0.1:{self.settings.ui_port}"
            if self.settings.uses_embedded_temporal
            else None
        )
        return StackState(
            supervisor_pid=os.getpid(),
            temporal_address=self.settings.temporal_target,
            ui_url=ui_url,
            database_url=self.database_url,
            namespace=self.settings.namespace,
            task_queue=self.settings.task_queue,
            child_pids={child.name: child.pid for child in self.children},
        )

    async def supervise(self, stop: asyncio.Event) -> str | None:
        """Restart children that die on their own; None on a requested stop, or the name of a
        child that keeps dying (more than RESTART_LIMIT times within RESTART_WINDOW)."""
        restarts: dict[str, list[float]] = {}
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            for child in self.children:
                if not child.has_exited() or stop.is_set():
                    continue
                recent = [
                    t for t in restarts.get(child.name, []) if loop.time() - t < RESTART_WINDOW
                ]
                if len(recent) >= RESTART_LIMIT:
                    return child.name
                code = child.process.returncode if child.process else None
                self.announce(f"twoway: {child.name} exited (code {code}); restarting it")
                await child.start()
                restarts[child.name] = [*recent, loop.time()]
                write_stack_state(self.settings, self._state())
            try:
                await asyncio.wait_for(stop.wait(), timeout=0.5)
            except TimeoutError:
                continue
        return None

    async def stop(self) -> None:
        for child in reversed(self.children):
            await child.stop()
        if self.postgres is not None:
            await asyncio.to_thread(self.postgres.stop)
        if self.lock.held:
            remove_stack_state(self.settings)
            self.lock.release()


# Work that runs beside the supervised stack (the demo's programme): entered once the stack is
# ready, left when it stops. It may set the event to stop the stack.
Alongside = Callable[[StackState, asyncio.Event], AbstractAsyncContextManager[None]]


async def run_stack(
    settings: Settings,
    announce: Callable[[str], None] = print,
    alongside: Alongside | None = None,
) -> int:
    """Start everything, print `twoway ready`, then supervise until Ctrl-C or SIGTERM."""
    stack = LocalStack(settings, announce)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        state = await stack.start()
        announce(ready_line(state, settings))
        async with alongside(state, stop) if alongside else contextlib.nullcontext():
            failed = await stack.supervise(stop)
        if failed is not None:
            announce(f"twoway: {failed} keeps stopping; giving up, see {stack.log_path(failed)}")
            return 1
        return 0
    finally:
        await stack.stop()


def ready_line(state: StackState, settings: Settings) -> str:
    parts = [f"twoway ready  temporal={state.temporal_address}"]
    if state.ui_url:
        parts.append(f"ui={state.ui_url}")
    parts.append(f"web=http://127.0.0.1:{settings.web_port}")
    if settings.uses_local_mail_sink:
        parts.append(f"smtp=127.0.0.1:{settings.smtp_port}")
    parts.append(f"home={settings.home_dir}")
    return "  ".join(parts)
