"""The figures `twoway bench` prints: matching against greedy and the dense optimum, the stack,
the history, both simulation engines, side by side (see docs/performance.md).

Benchmarks, not tests: they print figures as JSON for a person (or CI) to compare over time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import os
import platform
import time
from typing import Any

import numpy as np
import psutil
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from domain.matching.assignment import dense_optimal_pairs, match
from domain.matching.context import PairContext
from domain.matching.explain import explain
from domain.matching.greedy import greedy_pairs
from domain.matching.matrix import PairRules, dense_matrix
from domain.matching.model import MatchingProblem, MatchingResult
from domain.matching.sides import split_sides
from domain.matching.sparse import proven_optimal_pairs
from localstack.bench.history import measure as measure_history
from localstack.bench.simulation import decider_figures, temporal_figures
from localstack.bench.stack import PostAnswers, StackFigures, measure_stack
from localstack.postgres import throwaway_database
from roster.synthetic import synthetic_candidates

# The conditions: answers measured among 5,000 open relationships (cache sized), and a
# burst of 1,000 answers posted to the inbox at once.
STACK_OPEN_WORKFLOWS = 5000
INBOX_BURST_ANSWERS = 1000
# Python's cycle collector: a collection of this generation walks every object.
OLDEST_GENERATION = 2


def matching_figures(people: int, seed: int = 7) -> dict[str, object]:
    problem = MatchingProblem(candidates=tuple(synthetic_candidates(people, seed)))
    load_before = os.getloadavg()[0]
    # Processor time beside the wall clock: on a shared machine other processes stretch the
    # wall clock (2 to 4 times at load 4 to 6 on 2 cores), far less this process's own time.
    result, seconds, cpu_seconds, full_collections = _timed_match(problem)
    # The baseline in the same run: the whole `match` with the dense solve.
    dense_result, dense_match_seconds, dense_match_cpu_seconds, _ = _timed_match(
        problem, candidate_lists=False
    )

    # The steps one by one (warm: after two calls in this process, each after settling the
    # cycle collector as above); the greedy baseline sees the very same pairs and scores.
    sides = split_sides(problem)
    gc.collect()
    started = time.perf_counter()
    rules = PairRules.of(problem, sides, PairContext.of(problem))
    rules_seconds = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    proven = proven_optimal_pairs(rules)
    sparse_seconds = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    explain(problem, sides, rules, sorted(proven or []), "sparse")
    explain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    matrix = dense_matrix(rules)
    matrix_seconds = time.perf_counter() - started
    mentor_places = np.array(sides.mentor_capacity, dtype=np.int64)
    mentee_places = np.array(sides.mentee_capacity, dtype=np.int64)
    started = time.perf_counter()
    greedy = greedy_pairs(matrix, mentor_places, mentee_places)
    greedy_seconds = time.perf_counter() - started
    greedy_total = float(sum(matrix.weights[i, j] for i, j in greedy))
    started = time.perf_counter()
    dense, _ = dense_optimal_pairs(matrix, mentor_places, mentee_places)
    dense_seconds = time.perf_counter() - started
    dense_total = float(sum(matrix.weights[i, j] for i, j in dense))
    return {
        "people": people,
        "mentors": len(sides.mentors),
        "mentees": len(sides.mentees),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "full_collections_during_match": full_collections,
        "pairs": len(result.pairs),
        "unmatched": len(result.unmatched),
        "total_score": round(result.total_score, 4),
        "method": result.method,
        "dense_match_seconds": round(dense_match_seconds, 3),
        "dense_match_cpu_seconds": round(dense_match_cpu_seconds, 3),
        "dense_match_total_score": round(dense_result.total_score, 4),
        "greedy_total_score": round(greedy_total, 4),
        "greedy_pairs": len(greedy),
        "greedy_seconds": round(greedy_seconds, 3),
        "rules_seconds": round(rules_seconds, 3),
        "sparse_solve_and_proof_seconds": round(sparse_seconds, 3),
        "sparse_proven": proven is not None,
        "explain_seconds": round(explain_seconds, 3),
        "dense_matrix_seconds": round(matrix_seconds, 3),
        "dense_solve_seconds": round(dense_seconds, 3),
        # Must be 0: the proposal is exactly the optimum of the dense problem.
        "gap_to_dense_optimum": round(dense_total - result.total_score, 9),
        "load_average_1m": round(load_before, 2),
        "goal_seconds": 1.0,
    }


def _timed_match(
    problem: MatchingProblem, *, candidate_lists: bool = True
) -> tuple[MatchingResult, float, float, int]:
    """One `match` call: its result, wall and processor seconds, and how many full passes of
    Python's cycle collector ran inside it.

    The collector is settled first (`gc.collect()`): building the roster's 10,000 models
    leaves a full pass due, which would otherwise fall into whatever runs next and charge
    the call for the roster's objects. It stays on during the call, so a pass that the
    call's own objects set off is counted in its time (and reported).
    """
    full_passes = 0

    def count(phase: str, info: dict[str, int]) -> None:
        nonlocal full_passes
        if phase == "start" and info["generation"] == OLDEST_GENERATION:
            full_passes += 1

    gc.collect()
    gc.callbacks.append(count)
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = match(problem, candidate_lists=candidate_lists)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    finally:
        gc.callbacks.remove(count)
    return result, seconds, cpu_seconds, full_passes


def simulation_figures(pairs: int, months: float, temporal_pairs: int) -> dict[str, Any]:
    with Progress(console=Console(stderr=True), transient=True, disable=not on_terminal()) as bar:
        task = bar.add_task("simulating on the decider", total=pairs)
        decider = decider_figures(pairs, months, lambda done: bar.update(task, completed=done))
    # Minutes of work: shown at once, so a failure of the Temporal part does not lose it.
    Console(stderr=True).print(f"decider engine: {json.dumps(decider)}")
    with Progress(console=Console(stderr=True), transient=True, disable=not on_terminal()) as bar:
        # The pairs advance in batches of 100; the bare workflow follows them under this bar.
        task = bar.add_task("simulating on Temporal, then the bare workflow", total=temporal_pairs)
        temporal = asyncio.run(
            temporal_figures(temporal_pairs, 6, lambda done: bar.update(task, completed=done))
        )
    return {"decider": decider, "temporal": temporal}


def on_terminal() -> bool:
    return Console(stderr=True).is_terminal


def run_all_benchmarks(post_answers: PostAnswers | None = None) -> dict[str, Any]:
    """The figures of docs/performance.md, measured side by side on this machine."""
    machine = {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
    }
    # One bar over the parts (and the simulated pairs): the whole run takes minutes.
    with Progress(console=Console(stderr=True), transient=True, disable=not on_terminal()) as bar:
        part = bar.add_task("stack: starts and answers", total=5)
        stack = asyncio.run(stack_figures(STACK_OPEN_WORKFLOWS, INBOX_BURST_ANSWERS, post_answers))
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
        "stack": stack.model_dump(),
        "simulation": {"decider": decider, "temporal": temporal},
        "history": dataclasses.asdict(history_figures),
        "matching": matched,
    }


def figures_table(figures: dict[str, Any]) -> Table:
    """Every figure of the performance issue beside its goal ("-" where it has none)."""
    stack, history, matched = figures["stack"], figures["history"], figures["matching"]
    decider, temporal = figures["simulation"]["decider"], figures["simulation"]["temporal"]
    answers, bare = stack["prompt_answers"], stack["bare_updates"]
    single, single_bare = stack["prompt_answers_one_at_a_time"], stack["bare_updates_one_at_a_time"]
    burst = stack.get("inbox_burst") or {}
    heap_kib = history["worker_python_heap_bytes_per_cached_relationship"] // 1024
    rss_kib = history["worker_rss_bytes_per_cached_relationship"] // 1024
    memory_kib = f"{heap_kib} (resident memory: {rss_kib})"
    scores = f"{matched['total_score']} vs {matched['greedy_total_score']}"
    open_note = f"{stack['workflows']} open, {stack['concurrency']} in flight"
    rows = [
        ("relationship starts / s", stack["relationship_starts_per_second"], "-"),
        ("  ratio to bare workflow starts", stack["start_ratio_to_noop"], "-"),
        (
            f"answers / s ÷ bare updates / s ({open_note})",
            f"{answers['per_second']} / {bare['per_second']}"
            f" = {stack['answer_throughput_ratio_to_bare']}",
            ">= 0.55",
        ),
        (
            f"answer p99 ÷ bare update p99 ({open_note})",
            f"{answers['p99_ms']} / {bare['p99_ms']} ms"
            f" = {stack['answer_p99_ratio_to_bare_in_flight']}",
            "<= 1.8",
        ),
        (
            "answer p99 ÷ bare update p99, one at a time",
            f"{single['p99_ms']} / {single_bare['p99_ms']} ms"
            f" = {stack['answer_p99_ratio_to_bare_one_at_a_time']}",
            "<= 1.5",
        ),
        ("  answer p50 / p99 ms, in flight", _p50_p99(answers), "-"),
        ("  bare update p50 / p99 ms, in flight", _p50_p99(bare), "-"),
        ("  full collections, answers / bare, in flight", _full_collections(stack, ""), "-"),
        (
            "  full collections, answers / bare, one at a time",
            _full_collections(stack, "_one_at_a_time"),
            "-",
        ),
        (
            f"{burst.get('answers', 0)} answers posted to the inbox at once (s)",
            f"{burst.get('seconds')} (p99 {burst.get('p99_ms')} ms,"
            f" applied once: {burst.get('applied_once')})",
            "<= 10, each applied once",
        ),
        ("history events / relationship-year", history["events_per_relationship_year"], "<= 1,500"),
        ("peak history per run (events)", history["peak_run_events"], "< 1,500"),
        (
            "simulated 10,000 pairs x 12 months, decider (s)",
            decider["seconds"],
            "<= 60",
        ),
        ("simulated pair-months / s, Temporal engine", temporal["pair_months_per_second"], "-"),
        (
            "  bare timer-and-activity workflow / ratio",
            f"{temporal['bare_timer_and_activity_pair_months_per_second']}"
            f" / {temporal['ratio_to_bare']}",
            "ratio >= 0.5",
        ),
        ("matching 10,000 people (s)", matched["seconds"], "<= 1"),
        (
            "  processor time / dense match, same run (s)",
            f"{matched['cpu_seconds']} / {matched['dense_match_seconds']}",
            "-",
        ),
        (
            "  method / gap to the dense optimum",
            f"{matched['method']} / {matched['gap_to_dense_optimum']}",
            "gap 0",
        ),
        ("  total score vs greedy", scores, "-"),
        ("worker Python heap / cached relationship (KiB)", memory_kib, "<= 200, stable at 5,000"),
    ]
    table = Table("figure", "value", "goal", title="twoway bench")
    for label, value, goal in rows:
        table.add_row(label, str(value), goal)
    return table


def _full_collections(stack: dict[str, Any], suffix: str) -> str:
    """How many full collections paused the process inside each measurement, and the longest."""
    pauses = stack.get("collector") or {}
    answers = pauses.get(f"prompt_answers{suffix}")
    bare = pauses.get(f"bare_updates{suffix}")
    if answers is None or bare is None:
        return "not measured"  # a bench file from before the collector was watched
    return " / ".join(
        f"{p['full_collections']} (longest {p['longest_full_ms']} ms)" for p in (answers, bare)
    )


def _p50_p99(latency: dict[str, float]) -> str:
    return f"{latency['p50_ms']} / {latency['p99_ms']}"


async def stack_figures(
    workflows: int, inbox_answers: int, post_answers: PostAnswers | None = None
) -> StackFigures:
    async with throwaway_database() as pool:
        return await measure_stack(pool, workflows, inbox_answers, post_answers)
