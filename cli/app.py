"""The `twoway` command line: one Typer app, a sub-app per noun, help grouped by who uses it.

Every production process has its entry point here (`twoway worker`, `twoway web`,
`twoway dispatch`, `twoway migrate`), so a container runs the same code as `twoway up`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.bench import bench_app
from cli.erase import erase_command
from cli.hr import hr_app
from cli.mail import mail_app
from cli.organisation import organisation_app
from cli.pair import pair_app
from cli.participant import participant_app
from cli.programme import programme_app
from cli.projections import projections_app
from cli.prompts import answer, prompts
from cli.report import report_command
from cli.runtime import ExitCode, command_settings, console, fail
from cli.simulate import simulate_command
from cli.staff import staff_app
from localstack.demo import run_demo
from localstack.ports import PortInUseError
from localstack.processes import ComponentFailedError
from localstack.stack import run_stack
from localstack.stack_state import StackLockedError
from localstack.status import collect_status
from store.migrations import apply_migrations
from twoway.bootstrap import DatabaseNotConfiguredError, configured_database_url, open_runtime
from twoway.heartbeat import Heartbeat
from twoway.settings import Settings, load_settings

# Who each group of commands is for, in the order `twoway --help` lists them.
RUN = "Run the product"
HR = "HR and programme owners"
PARTICIPANTS = "Participants"
OPERATORS = "Operators"
DEVELOPERS = "Developers"

app = typer.Typer(
    help="twoway: reverse and mutual mentoring programmes on Temporal.",
    no_args_is_help=True,
    add_completion=False,
)


def up() -> None:
    """Start the local stack (Temporal + Web UI, PostgreSQL, worker) and supervise it."""
    settings = command_settings()
    try:
        code = asyncio.run(run_stack(settings, announce=lambda line: print(line, flush=True)))
    except (StackLockedError, PortInUseError) as error:
        raise fail("twoway up:", str(error), ExitCode.INVALID) from None
    except ComponentFailedError as error:
        raise fail("twoway up:", str(error), ExitCode.UNAVAILABLE) from None
    raise typer.Exit(code)


def demo() -> None:
    """The main job for a newcomer: the stack plus a demo programme of simulated people."""
    settings = command_settings(log_level="WARNING")
    try:
        code = asyncio.run(run_demo(settings, announce=lambda line: print(line, flush=True)))
    except (StackLockedError, PortInUseError) as error:
        raise fail("twoway demo:", str(error), ExitCode.INVALID) from None
    except ComponentFailedError as error:
        raise fail("twoway demo:", str(error), ExitCode.UNAVAILABLE) from None
    raise typer.Exit(code)


def status() -> None:
    """Show whether each component answers; exit 0 only when all are up."""
    statuses = asyncio.run(collect_status(load_settings()))
    table = Table("component", "state", "where")
    for item in statuses:
        table.add_row(item.name, "[green]up[/green]" if item.up else "[red]down[/red]", item.where)
    console.print(table)
    if not all(item.up for item in statuses):
        raise typer.Exit(ExitCode.UNAVAILABLE)


def migrate() -> None:
    """Apply pending SQL migrations to the configured database, then exit."""
    settings = command_settings()
    database_url = _require_database("twoway migrate")
    applied = asyncio.run(_migrate(settings, database_url))
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


async def _migrate(settings: Settings, database_url: str) -> list[str]:
    async with open_runtime(settings, database_url=database_url, pool_max_size=2) as runtime:
        return await apply_migrations(await runtime.pool())


def _require_database(command: str) -> str:
    """Production processes use TWOWAY_DATABASE_URL only, never the local stack's state file:
    without it they stop here with a clear message instead of failing on first use."""
    try:
        return configured_database_url(load_settings())
    except DatabaseNotConfiguredError as error:
        raise fail(f"{command}:", str(error), ExitCode.INVALID) from None


def worker() -> None:
    """Run a worker in the foreground (what `twoway up` and docker-compose start)."""
    _require_database("twoway worker")
    from worker import main as worker_main

    worker_main()


def web() -> None:
    """Serve the HR API, the participants' inbox and the codec endpoint in the foreground."""
    _require_database("twoway web")
    from web.__main__ import main as web_main

    web_main()


def dispatch(
    once: Annotated[bool, typer.Option("--once", help="Dispatch one batch, then exit.")] = False,
) -> None:
    """Deliver the outbox (mail with inbox links, chat posts) in the foreground."""
    _require_database("twoway dispatch")
    from delivery.dispatcher import main as dispatcher_main

    dispatcher_main(["--once"] if once else [])


def healthcheck(
    file: Annotated[Path, typer.Option("--file", help="The process's TWOWAY_HEARTBEAT_FILE.")],
    max_age: Annotated[
        float, typer.Option("--max-age", min=1, help="Healthy while younger than this (s).")
    ] = 60.0,
) -> None:
    """Exit 0 while a worker's or dispatcher's heartbeat file is fresh (container health check)."""
    age = Heartbeat(file).age_seconds()
    if age is None:
        raise fail("twoway healthcheck:", f"no heartbeat yet at {file}", ExitCode.UNAVAILABLE)
    if age > max_age:
        message = f"last heartbeat {age:.0f} s ago (more than {max_age:.0f} s)"
        raise fail("twoway healthcheck:", message, ExitCode.UNAVAILABLE)
    console.print(f"healthy: last heartbeat {age:.0f} s ago")


# Registered here, in the order `twoway --help` shows its groups.
app.command(rich_help_panel=RUN)(up)
app.command(rich_help_panel=RUN)(demo)
app.command(rich_help_panel=RUN)(status)
app.add_typer(programme_app, name="programme", rich_help_panel=HR)
app.add_typer(pair_app, name="pair", rich_help_panel=HR)
app.add_typer(staff_app, name="staff", rich_help_panel=HR)
app.add_typer(hr_app, name="hr", rich_help_panel=HR)
app.add_typer(organisation_app, name="organisation", rich_help_panel=HR)
app.command("report", rich_help_panel=HR)(report_command)
app.command("simulate", rich_help_panel=HR)(simulate_command)
app.command("prompts", rich_help_panel=PARTICIPANTS)(prompts)
app.command("answer", rich_help_panel=PARTICIPANTS)(answer)
app.add_typer(participant_app, name="participant", rich_help_panel=PARTICIPANTS)
app.command(rich_help_panel=OPERATORS)(worker)
app.command(rich_help_panel=OPERATORS)(web)
app.command(rich_help_panel=OPERATORS)(dispatch)
app.command(rich_help_panel=OPERATORS)(migrate)
app.command(rich_help_panel=OPERATORS)(healthcheck)
app.add_typer(projections_app, name="projections", rich_help_panel=OPERATORS)
app.command("erase", rich_help_panel=OPERATORS)(erase_command)
app.add_typer(mail_app, name="mail", rich_help_panel=DEVELOPERS)
app.add_typer(bench_app, name="bench", rich_help_panel=DEVELOPERS)


def main() -> None:
    """The console entry point: run the command, then leave without interpreter teardown.

    The Temporal client's native threads can abort CPython's finalisation of a short-lived
    process ("PyGILState_Release ... finalizing", sdk-python issue 300) after the command has
    done its work, turning a success into exit code -6. Every resource is closed by the command
    itself, so skipping teardown loses nothing.
    """
    code = 0
    try:
        app()
    except SystemExit as exit_:
        code = _exit_code(exit_.code)
    except BaseException:
        traceback.print_exc()
        code = ExitCode.UNAVAILABLE
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return ExitCode.OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return ExitCode.UNAVAILABLE


if __name__ == "__main__":
    main()
