"""`twoway status`: is each part of the stack answering right now?"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

import psutil

from delivery.mailsink import sink_answers
from localstack.stack import database_answers, temporal_answers, worker_polls
from localstack.stack_state import StackState, read_stack_state
from twoway.settings import Settings


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    up: bool
    where: str


def _http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (our own URL)
            return bool(200 <= response.status < 500)
    except OSError:
        return False


async def collect_status(settings: Settings) -> list[ComponentStatus]:
    state: StackState | None = read_stack_state(settings)
    address = state.temporal_address if state else settings.temporal_target
    database_url = state.database_url if state else settings.database_url
    statuses = [
        ComponentStatus("temporal", await temporal_answers(address, settings.namespace), address),
        ComponentStatus(
            "worker",
            await worker_polls(address, settings.namespace, settings.task_queue),
            f"task queue {settings.task_queue}",
        ),
        ComponentStatus(
            "postgres",
            bool(database_url) and await database_answers(database_url or ""),
            "embedded" if settings.uses_embedded_postgres else "external",
        ),
    ]
    if state is not None and state.ui_url:
        statuses.append(ComponentStatus("web ui", _http_answers(state.ui_url), state.ui_url))
    web_url = f"http://127.0.0.1:{settings.web_port}"
    statuses.append(ComponentStatus("web", _http_answers(f"{web_url}/healthz"), web_url))
    if settings.uses_local_mail_sink:
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        up = await sink_answers(settings.smtp_host, settings.smtp_port)
        statuses.append(ComponentStatus("mail sink", up, where))
    dispatcher_pid = state.child_pids.get("dispatcher") if state else None
    statuses.append(
        ComponentStatus(
            "dispatcher",
            dispatcher_pid is not None and psutil.pid_exists(dispatcher_pid),
            f"pid {dispatcher_pid}" if dispatcher_pid else "not running",
        )
    )
    return statuses
