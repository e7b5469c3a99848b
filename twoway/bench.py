"""`twoway bench matching`: how long the optimal matching takes, and what it gains on greedy.

A benchmark, not a test: it prints figures as JSON for a person (or CI) to compare over time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import platform
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import psutil
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from domain.matching.assignment import dense_optimal_pairs, match, optimal_pairs
from domain.matching.context import PairContext
from domain.matching.greedy import greedy_pairs
from domain.matching.matrix import build_matrix
from domain.matching.model import MatchingProblem
from domain.matching.sides import split_sides
from roster.synthetic import synthetic_candidates
from simulation.bench import decider_figures, temporal_figures
from twoway.bench_history import measure as measure_history
from twoway.bench_stack import StackFigures, measure_stack
from twoway.logging import configure_logging
from twoway.postgres import throwaway_database

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


def matching_figures(people: int, seed: int = 7) -> dict[str, object]:
    problem = MatchingProblem(candidates=tuple(synthetic_candidates(people, seed)))
    started = time.perf_counter()
    result = match(problem)
    seconds = time.perf_counter() - started

    # The baseline sees the very same acceptable pairs and scores; only the choice differs.
    sides = split_sides(problem)
    matrix = build_matrix(problem, sides, PairContext.of(problem))
    started = time.perf_counter()
    greedy = greedy_pairs(
        matrix,
        np.array(sides.mentor_capacity, dtype=np.int64),
        np.array(sides.mentee_capacity, dtype=np.int64),
    )
    greedy_seconds = time.perf_counter() - started
    greedy_total = float(sum(matrix.weights[i, j] for i, j in greedy))
    started = time.perf_counter()
    dense, _ = dense_optimal_pairs(
        matrix,
        np.array(sides.mentor_capacity, dtype=np.int64),
        np.array(sides.mentee_capacity, dtype=np.int64),
    )
    dense_seconds = time.perf_counter() - started
    dense_total = float(sum(matrix.weights[i, j] for i, j in dense))
    started = time.perf_counter()
    listed, listed_method = optimal_pairs(
        matrix,
        np.array(sides.mentor_capacity, dtype=np.int64),
        np.array(sides.mentee_capacity, dtype=np.int64),
        candidate_lists=True,
    )
    listed_seconds = time.perf_counter() - started
    listed_total = float(sum(matrix.weights[i, j] for i, j in listed))
    return {
        "people": people,
        "mentors": len(sides.mentors),
        "mentees": len(sides.mentees),
        "seconds": round(seconds, 3),
        "pairs": len(result.pairs),
        "unmatched": len(result.unmatched),
        "total_score": round(result.total_score, 4),
        "method": result.method,
        "greedy_total_score": round(greedy_total, 4),
        "greedy_pairs": len(greedy),
        "greedy_seconds": round(greedy_seconds, 3),
        "dense_solve_seconds": round(dense_seconds, 3),
        # Must be 0: the proposal is exactly the optimum of the dense problem.
        "gap_to_dense_optimum": round(dense_total - result.total_score, 9),
        # The candidate-list path on the same matrix: its solve time, and whether it was proven.
        "candidate_lists_solve_seconds": round(listed_seconds, 3),
        "candidate_lists_method": listed_method,
        "candidate_lists_gap_to_dense_optimum": round(dense_total - listed_total, 9),
        "goal_seconds": 1.0,
    }


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
    figures = _simulation_figures(pairs, months, temporal_pairs)
    print(json.dumps(figures, indent=2))


def _simulation_figures(pairs: int, months: float, temporal_pairs: int) -> dict[str, Any]:
    with Progress(console=Console(stderr=True), transient=True, disable=not _on_terminal()) as bar:
        task = bar.add_task("simulating on the decider", total=pairs)
        decider = decider_figures(pairs, months, lambda done: bar.update(task, completed=done))
    # Minutes of work: shown at once, so a failure of the Temporal part does not lose it.
    Console(stderr=True).print(f"decider engine: {json.dumps(decider)}")
    return {
        "decider": decider,
        "temporal": asyncio.run(temporal_figures(temporal_pairs, 6)),
    }


def _on_terminal() -> bool:
    return Console(stderr=True).is_terminal


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
    workflows: Annotated[int, typer.Option(min=20, help="Workflows of each kind.")] = 300,
) -> None:
    """Relationship starts and prompt answers against bare workflows on the same server."""
    configure_logging("WARNING")
    print(asyncio.run(_stack_figures(workflows)).model_dump_json(indent=2))


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
    figures = run_all_benchmarks()
    Console().print(figures_table(figures))
    text = json.dumps(figures, indent=2, default=str)
    if json_file is not None:
        json_file.write_text(text)
    print(text)


def run_all_benchmarks() -> dict[str, Any]:
    """The figures of docs/performance.md, measured side by side on this machine."""
    machine = {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
    }
    # One bar over the parts (and the simulated pairs): the whole run takes minutes.
    with Progress(console=Console(stderr=True), transient=True, disable=not _on_terminal()) as bar:
        part = bar.add_task("stack: starts and answers", total=5)
        stack_figures = asyncio.run(_stack_figures(300))
        bar.update(part, advance=1, description="simulation: decider engine")
        pairs = bar.add_task("pairs", total=10_000)
        decider = decider_figures(10_000, 12, lambda done: bar.update(pairs, completed=done))
        bar.update(part, advance=1, description="simulation: Temporal engine and bare workflow")
        temporal = asyncio.run(temporal_figures(10, 6))
        bar.update(part, advance=1, description="history and worker memory")
        history_figures = asyncio.run(measure_history(200))
        bar.update(part, advance=1, description="matching 10,000 people")
        matched = matching_figures(10_000)
        bar.update(part, advance=1)
    return {
        "machine": machine,
        "stack": stack_figures.model_dump(),
        "simulation": {"decider": decider, "temporal": temporal},
        "history": dataclasses.asdict(history_figures),
        "matching": matched,
    }


def figures_table(figures: dict[str, Any]) -> Table:
    stack, history, matched = figures["stack"], figures["history"], figures["matching"]
    decider, temporal = figures["simulation"]["decider"], figures["simulation"]["temporal"]
    answers, bare = stack["prompt_answers"], stack["bare_updates"]
    memory_kib = history["worker_rss_bytes_per_cached_relationship"] // 1024
    scores = f"{matched['total_score']} vs {matched['greedy_total_score']}"
    rows = [
        ("relationship starts / s", stack["relationship_starts_per_second"]),
        ("  ratio to bare workflow starts", stack["start_ratio_to_noop"]),
        ("prompt answers / s", answers["per_second"]),
        ("  answer p50 / p99 ms", _p50_p99(answers)),
        ("  bare update p50 / p99 ms", _p50_p99(bare)),
        ("  answer latency ratio to bare update", stack["answer_latency_ratio_to_bare_update"]),
        ("simulated 10,000 pairs x 12 months, decider (s; goal <= 60)", decider["seconds"]),
        ("simulated pair-months / s, Temporal engine", temporal["pair_months_per_second"]),
        (
            "  bare timer-and-activity workflow / ratio (goal >= 0.5)",
            f"{temporal['bare_timer_and_activity_pair_months_per_second']}"
            f" / {temporal['ratio_to_bare']}",
        ),
        ("history events / relationship-year", history["events_per_relationship_year"]),
        ("peak history per run (events)", history["peak_run_events"]),
        ("worker memory / cached relationship (KiB)", memory_kib),
        ("matching 10,000 people (s; goal <= 1)", matched["seconds"]),
        (
            "  method / gap to the dense optimum (goal 0)",
            f"{matched['method']} / {matched['gap_to_dense_optimum']}",
        ),
        ("  total score vs greedy", scores),
    ]
    table = Table("figure", "value", title="twoway bench")
    for label, value in rows:
        table.add_row(label, str(value))
    return table


def _p50_p99(latency: dict[str, float]) -> str:
    return f"{latency['p50_ms']} / {latency['p99_ms']}"


async def _stack_figures(workflows: int) -> StackFigures:
    async with throwaway_database() as pool:
        return await measure_stack(pool, workflows)
