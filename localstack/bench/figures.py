"""The figures `twoway bench` prints: matching against greedy, the stack, the history, the
simulation, side by side (see docs/performance.md).

Benchmarks, not tests: they print figures as JSON for a person (or CI) to compare over time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import time
from typing import Any

import numpy as np
import psutil
from rich.table import Table

from domain.matching.assignment import match
from domain.matching.context import PairContext
from domain.matching.greedy import greedy_pairs
from domain.matching.matrix import build_matrix
from domain.matching.model import MatchingProblem
from domain.matching.sides import split_sides
from domain.policy import RelationshipPolicy
from localstack.bench.history import measure as measure_history
from localstack.bench.stack import StackFigures, measure_stack
from localstack.binaries import temporal_test_server
from localstack.postgres import throwaway_database
from roster.synthetic import synthetic_candidates
from simulation.run import simulate


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
    }


def run_all_benchmarks() -> dict[str, Any]:
    """The figures of docs/performance.md, measured side by side on this machine."""
    machine = {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
    }
    stack = asyncio.run(stack_figures(300))
    simulated = asyncio.run(
        simulate(
            20,
            6,
            1,
            RelationshipPolicy.standard(),
            database=throwaway_database,
            test_server=temporal_test_server(),
        )
    )
    history_figures = asyncio.run(measure_history(200))
    return {
        "machine": machine,
        "stack": stack.model_dump(),
        "simulation": {
            "pairs": simulated.pairs,
            "months": simulated.months,
            "pair_months_per_second": simulated.pair_months_per_second,
        },
        "history": dataclasses.asdict(history_figures),
        "matching": matching_figures(10_000),
    }


def figures_table(figures: dict[str, Any]) -> Table:
    stack, history, matched = figures["stack"], figures["history"], figures["matching"]
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
        ("simulated pair-months / s", figures["simulation"]["pair_months_per_second"]),
        ("history events / relationship-year", history["events_per_relationship_year"]),
        ("peak history per run (events)", history["peak_run_events"]),
        ("worker memory / cached relationship (KiB)", memory_kib),
        ("matching 10,000 people (s)", matched["seconds"]),
        ("  total score vs greedy", scores),
    ]
    table = Table("figure", "value", title="twoway bench")
    for label, value in rows:
        table.add_row(label, str(value))
    return table


def _p50_p99(latency: dict[str, float]) -> str:
    return f"{latency['p50_ms']} / {latency['p99_ms']}"


async def stack_figures(workflows: int) -> StackFigures:
    async with throwaway_database() as pool:
        return await measure_stack(pool, workflows)
