"""What every `twoway` command shares: its exit codes, its consoles and its runtime.

The runtime replaces the settings -> database URL -> pool -> finally sequence each command used to
write out: settings are read once, the connections are made on first use (a command that only
reads PostgreSQL does not need Temporal) and closed when the command ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import IntEnum

import typer
from rich.console import Console

from localstack.stack_state import resolve_database_url
from services.errors import InvalidRequestError, NotFoundError, RefusedError, ServiceError
from twoway.bootstrap import Runtime, open_runtime
from twoway.logging import configure_logging
from twoway.settings import Settings, load_settings

console = Console()
errors = Console(stderr=True)


class ExitCode(IntEnum):
    """The exit codes scripts can rely on, the same for every command."""

    OK = 0
    # A service (Temporal, PostgreSQL) did not answer, a component failed, or the work did not
    # finish in time: running the same command again may succeed.
    UNAVAILABLE = 1
    # The input or the configuration is wrong (the field is named on stderr), or what it names
    # is not known here.
    INVALID = 2
    # A rule refused the request (e.g. the relationship refused the answer).
    REFUSED = 3


def fail(prefix: str, message: str, code: ExitCode) -> typer.Exit:
    """Print ``message`` on stderr and give the exit to raise."""
    errors.print(f"[red]{prefix}[/red] {message}", highlight=False)
    return typer.Exit(code)


def exit_code_of(error: ServiceError) -> ExitCode:
    """Where each typed refusal of a service lands among the exit codes."""
    if isinstance(error, InvalidRequestError | NotFoundError):
        return ExitCode.INVALID
    if isinstance(error, RefusedError):
        return ExitCode.REFUSED
    return ExitCode.UNAVAILABLE


def command_settings(*, log_level: str | None = None) -> Settings:
    """The settings of this command, with logging configured (at the settings' level by default)."""
    settings = load_settings()
    configure_logging(log_level or settings.log_level)
    return settings


@asynccontextmanager
async def cli_runtime(
    settings: Settings | None = None, *, pool_max_size: int = 2
) -> AsyncIterator[Runtime]:
    """The command's connections: TWOWAY_DATABASE_URL, else the running local stack's database.

    Raises RuntimeError (from the first ``pool()``) when neither names a database.
    """
    chosen = settings or load_settings()
    async with open_runtime(
        chosen, database_url=_database_url(chosen), pool_max_size=pool_max_size
    ) as runtime:
        yield runtime


def _database_url(settings: Settings) -> str | None:
    try:
        return resolve_database_url(settings)
    except RuntimeError:
        return None  # a command that never opens the pool does not need one
