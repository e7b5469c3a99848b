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
    ratio = round(result.pair_months_per_second / bare, 2) if bare else None
    return {
        "pairs": pairs,
        "months": months,
        "pair_months_per_second": result.pair_months_per_second,
        "bare_timer_and_activity_pair_months_per_second": bare,
        "ratio_to_bare": ratio,
        "goal_ratio": TEMPORAL_GOAL_RATIO,
    }
