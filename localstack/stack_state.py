"""Where a running `twoway up` says what it started, for `twoway status` and other commands."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from pydantic import BaseModel

from twoway.settings import Settings


class StackState(BaseModel):
    supervisor_pid: int
    temporal_address: str
    ui_url: str | None
    database_url: str
    namespace: str
    task_queue: str
    child_pids: dict[str, int]


class StackLockedError(RuntimeError):
    pass


def state_file(settings: Settings) -> Path:
    return settings.home_dir / "run" / "stack.json"


def read_stack_state(settings: Settings) -> StackState | None:
    path = state_file(settings)
    if not path.exists():
        return None
    return StackState.model_validate_json(path.read_text())


def write_stack_state(settings: Settings, state: StackState) -> None:
    path = state_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(state.model_dump_json(indent=2))
    temporary.replace(path)


def remove_stack_state(settings: Settings) -> None:
    state_file(settings).unlink(missing_ok=True)


def resolve_database_url(settings: Settings) -> str:
    """The external URL if configured, else the one the running local stack published."""
    if settings.database_url:
        return settings.database_url
    state = read_stack_state(settings)
    if state is None:
        raise RuntimeError(
            "no database: start the local stack with `twoway up` or set TWOWAY_DATABASE_URL"
        )
    return state.database_url


class HomeLock:
    """An exclusive lock on TWOWAY_HOME, so two stacks never share one data directory.

    flock is released by the kernel when the process dies, so a crashed `twoway up` never
    leaves a stale lock behind.
    """

    def __init__(self, home: Path) -> None:
        self.path = home / "twoway.lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StackLockedError(
                f"another `twoway up` already runs on {self.path.parent} (lock {self.path});"
                " stop it, or set TWOWAY_HOME to another directory"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
