"""Simulation figures for `twoway bench`: both engines, and the bare-workflow floor.

The decider engine is measured on a programme-year of a large cohort (the goal: 10,000 pairs
x 12 months within 60 s); the Temporal engine on a small cohort beside a bare
timer-and-activity workflow on the same kind of test server (the goal: at least half of the
bare workflow's pair-months per second).
"""

from __future__ import annotations

import asyncio
from typing import Any

from domain.policy import RelationshipPolicy
from localstack.bench.baseline import bare_pair_months_per_second
from localstack.binaries import temporal_test_server
from localstack.postgres import throwaway_database
from simulation.run import Engine, Progress, TemporalParts, simulate

DECIDER_GOAL_SECONDS = 60.0
TEMPORAL_GOAL_RATIO = 0.5


def decider_figures(
    pairs: int = 10_000, months: float = 12, progress: Progress = lambda done: None
) -> dict[str, Any]:
    result = asyncio.run(simulate(pairs, months, 1, RelationshipPolicy.standard(), progress))
    return {
        "pairs": pairs,
        "months": months,
        "seconds": result.wall_seconds,
        "goal_seconds": DECIDER_GOAL_SECONDS,
        "pair_months_per_second": result.pair_months_per_second,
    }


async def temporal_figures(
    pairs: int = 10, months: float = 6, progress: Progress = lambda done: None
) -> dict[str, Any]:
    parts = TemporalParts(database=throwaway_database, test_server=temporal_test_server())
    policy = RelationshipPolicy.standard()
    result = await simulate(
        pairs, months, 1, policy, progress, engine=Engine.TEMPORAL, temporal=parts
    )
    bare = await bare_pair_months_per_second(pairs, months)
    engine = result.worker_pair_months_per_second or 0.0
    return {
        "pairs": pairs,
        "months": months,
        # Both sides over their workers' time: PostgreSQL (which only the engine needs) and
        # the servers start and stop outside it.
        "timed": "each side's worker, from its start to its stop",
        "pair_months_per_second": engine,
        "bare_timer_and_activity_pair_months_per_second": bare.worker,
        "ratio_to_bare": _ratio(engine, bare.worker),
        "goal_ratio": TEMPORAL_GOAL_RATIO,
        "end_to_end": {
            "timed": "the whole run, with the start and stop of its servers (and PostgreSQL)",
            "pair_months_per_second": result.pair_months_per_second,
            "bare_timer_and_activity_pair_months_per_second": bare.end_to_end,
            "ratio_to_bare": _ratio(result.pair_months_per_second, bare.end_to_end),
        },
    }


def _ratio(engine: float, bare: float) -> float | None:
    return round(engine / bare, 2) if bare else None
