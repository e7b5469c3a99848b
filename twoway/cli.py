"""The `twoway` command line."""

from __future__ import annotations

import asyncio
import os
import sys
import traceback

import typer
from rich.console import Console
from rich.table import Table

from twoway.bench import bench_app
from twoway.cli_erase import erase_command
from twoway.cli_mail import mail_app
from twoway.cli_pair import pair_app
from twoway.cli_programme import programme_app
from twoway.cli_projections import projections_app
from twoway.cli_prompts import register_prompt_commands
from twoway.cli_report import report_command
from twoway.cli_simulate import simulate_command
from twoway.cli_staff import staff_app
from twoway.demo import run_demo
from twoway.logging import configure_logging
from twoway.ports import PortInUseError
from twoway.processes import ComponentFailedError
from twoway.settings import load_settings
from twoway.stack import run_stack
from twoway.stack_state import StackLockedError
from twoway.status import collect_status

app = typer.Typer(
    help="twoway: reverse and mutual mentoring programmes on Temporal.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(pair_app, name="pair")
app.add_typer(mail_app, name="mail")
app.add_typer(projections_app, name="projections")
app.add_typer(programme_app, name="programme")
app.add_typer(bench_app, name="bench")
app.add_typer(staff_app, name="staff")
register_prompt_commands(app)
app.command("simulate")(simulate_command)
app.command("report")(report_command)
app.command("erase")(erase_command)
console = Console()
errors = Console(stderr=True)

EXIT_FAILURE = 1
EXIT_CONFIG = 2


@app.command()
def up() -> None:
    """Start the local stack (Temporal + Web UI, PostgreSQL, worker) and supervise it."""
    settings = load_settings()
    configure_logging(settings.log_level)
    try:
        code = asyncio.run(run_stack(settings, announce=lambda line: print(line, flush=True)))
    except (StackLockedError, PortInUseError) as error:
        errors.print(f"[red]twoway up:[/red] {error}")
        raise typer.Exit(EXIT_CONFIG) from None
    except ComponentFailedError as error:
        errors.print(f"[red]twoway up:[/red] {error}")
        raise typer.Exit(EXIT_FAILURE) from None
    raise typer.Exit(code)


@app.command()
def demo() -> None:
    """The main job for a newcomer: the stack plus a demo programme of simulated people."""
    settings = load_settings()
    configure_logging("WARNING")
    try:
        code = asyncio.run(run_demo(settings, announce=lambda line: print(line, flush=True)))
    except (StackLockedError, PortInUseError) as error:
        errors.print(f"[red]twoway demo:[/red] {error}")
        raise typer.Exit(EXIT_CONFIG) from None
    except ComponentFailedError as error:
        errors.print(f"[red]twoway demo:[/red] {error}")
        raise typer.Exit(EXIT_FAILURE) from None
    raise typer.Exit(code)


@app.command()
def status() -> None:
    """Show whether each component answers; exit 0 only when all are up."""
    settings = load_settings()
    statuses = asyncio.run(collect_status(settings))
    table = Table("component", "state", "where")
    for item in statuses:
        table.add_row(item.name, "[green]up[/green]" if item.up else "[red]down[/red]", item.where)
    console.print(table)
    if not all(item.up for item in statuses):
        raise typer.Exit(EXIT_FAILURE)


@app.command()
def migrate() -> None:
    """Apply pending SQL migrations to the configured database, then exit."""
    from twoway.stack import migrate as apply_pending
    from twoway.stack_state import resolve_database_url

    settings = load_settings()
    configure_logging(settings.log_level)
    applied = asyncio.run(apply_pending(resolve_database_url(settings)))
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


@app.command()
def worker() -> None:
    """Run a worker in the foreground (what `twoway up` and docker-compose start)."""
    from worker import main as worker_main

    worker_main()


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
        code = EXIT_FAILURE
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return EXIT_FAILURE


if __name__ == "__main__":
    main()
