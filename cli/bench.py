"""`twoway bench ...`: benchmarks that print JSON figures (all of them when no command is given)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.bench_inbox import post_answers_at_once
from localstack.bench.figures import (
    INBOX_BURST_ANSWERS,
    STACK_OPEN_WORKFLOWS,
    figures_table,
    matching_figures,
    run_all_benchmarks,
    simulation_figures,
    stack_figures,
)
from localstack.bench.history import measure as measure_history
from twoway.logging import configure_logging

bench_app = typer.Typer(
    help="Benchmarks that print JSON figures (all of them when no command is given).",
    invoke_without_command=True,
)


@bench_app.command("matching")
def matching(
    people: Annotated[int, typer.Option(min=2, help="Employees in the synthetic roster.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic organisation.")] = 7,
) -> None:
    """Optimal assignment vs. a greedy baseline on the same synthetic roster (half each side)."""
    print(json.dumps(matching_figures(people, seed), indent=2))


@bench_app.command("simulation")
def simulation(
    pairs: Annotated[int, typer.Option(min=1, help="Pairs for the decider engine.")] = 10_000,
    months: Annotated[float, typer.Option(min=0.5, help="Months simulated.")] = 12,
    temporal_pairs: Annotated[
        int, typer.Option(min=1, help="Pairs for the Temporal engine and the bare workflow.")
    ] = 10,
) -> None:
    """Decider engine on a programme-year; Temporal engine beside a bare timer-and-activity one."""
    configure_logging("WARNING")
    print(json.dumps(simulation_figures(pairs, months, temporal_pairs), indent=2))


@bench_app.command("history")
def history(
    cached: Annotated[
        int, typer.Option(min=10, help="Open relationships for the memory figure.")
    ] = 200,
) -> None:
    """Events per relationship-year, peak run size, worker memory per cached relationship."""
    configure_logging("WARNING")
    print(json.dumps(dataclasses.asdict(asyncio.run(measure_history(cached))), indent=2))


@bench_app.command("stack")
def stack(
    workflows: Annotated[
        int, typer.Option(min=20, help="Open workflows of each kind.")
    ] = STACK_OPEN_WORKFLOWS,
    inbox_answers: Annotated[
        int, typer.Option(min=0, help="Answers posted to the inbox at once (0: none).")
    ] = INBOX_BURST_ANSWERS,
) -> None:
    """Relationship starts and prompt answers against bare workflows on the same server."""
    configure_logging("WARNING")
    figures = asyncio.run(stack_figures(workflows, inbox_answers, post_answers_at_once))
    print(figures.model_dump_json(indent=2))


@bench_app.callback()
def everything(
    context: typer.Context,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write every figure to this file.")
    ] = None,
) -> None:
    """Without a command: every figure side by side in one run, as a table and JSON."""
    if context.invoked_subcommand is not None:
        return
    configure_logging("WARNING")
    figures = run_all_benchmarks(post_answers_at_once)
    Console().print(figures_table(figures))
    text = json.dumps(figures, indent=2, default=str)
    if json_file is not None:
        json_file.write_text(text)
    print(text)
