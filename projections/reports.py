"""Programme reports: figures per programme and per intake cohort, small groups suppressed.

Cohorts are intake quarters (`2025-Q1`: the quarter in which the pair was proposed). Coordinators
compare intakes to see whether a change to the programme helped; grouping by mode or phase would
mix pairs at very different stages, and those splits are in the figures already.

A group with fewer than `min_group_size` relationships shows nothing but its key and
`suppressed: true`; when that would let the programme's totals minus the cohorts shown give it
away, more cohorts are withheld too (`reason: complementary`). Figures drawn from people's
answers (satisfaction, psychological safety, goal attainment) count only closed survey rounds
(calendar months) in which at least `min_group_size` people of a cohort and side answered, so no
figure can be traced back to one person, and one new answer never moves a published figure.
See `projections.report_figures` for the rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from projections.report_figures import group_report, published_rounds, withheld_groups
from projections.report_model import (
    GoalSums,
    ProgrammeReport,
    RelationshipFacts,
    ScoreSums,
)
from store.database import Connection
from store.sql_files import load_sql

DEFAULT_MIN_GROUP_SIZE = 5
COHORT_DEFINITION = "intake quarter: the calendar quarter (UTC) in which the pair was proposed"
PROGRAMME_KEY = "programme"


def cohort_of(proposed_at: datetime) -> str:
    return f"{proposed_at.year}-Q{(proposed_at.month - 1) // 3 + 1}"


async def programme_report(
    conn: Connection,
    programme_id: str,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    now: datetime | None = None,
    only: frozenset[str] | None = None,
) -> ProgrammeReport:
    """The report as published at `now` (default: the current time), which decides the closed
    survey rounds. ``only``: the relationships to count (one organisation's pairs); None counts
    them all."""
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    facts = [
        RelationshipFacts(**dict(r))
        for r in await conn.fetch(load_sql("report_relationships"), programme_id)
        if only is None or r["relationship_id"] in only
    ]
    scores = [
        ScoreSums(**dict(r))
        for r in await conn.fetch(load_sql("report_checkin_scores"), programme_id)
        if only is None or r["relationship_id"] in only
    ]
    goals = [
        GoalSums(**dict(r))
        for r in await conn.fetch(load_sql("report_reflection_goals"), programme_id)
        if only is None or r["relationship_id"] in only
    ]
    by_cohort: dict[str, list[RelationshipFacts]] = defaultdict(list)
    for fact in facts:
        by_cohort[cohort_of(fact.proposed_at)].append(fact)
    cohort_of_pair = {f.relationship_id: cohort_of(f.proposed_at) for f in facts}
    scores, goals = _published_answers(
        scores, goals, cohort_of_pair, now or datetime.now(UTC), min_group_size
    )
    withheld = withheld_groups(
        {key: len(members) for key, members in by_cohort.items()}, min_group_size
    )
    return ProgrammeReport(
        programme_id=programme_id,
        min_group_size=min_group_size,
        cohort_definition=COHORT_DEFINITION,
        programme=group_report(PROGRAMME_KEY, facts, scores, goals, min_group_size),
        cohorts=[
            group_report(key, members, scores, goals, min_group_size, key in withheld)
            for key, members in sorted(by_cohort.items())
        ],
    )


def _published_answers(
    scores: Sequence[ScoreSums],
    goals: Sequence[GoalSums],
    cohort_of_pair: dict[str, str],
    now: datetime,
    minimum: int,
) -> tuple[list[ScoreSums], list[GoalSums]]:
    """The answers of published rounds only. Rounds are counted per cohort (and per side for
    check-ins), so the programme's figures are exactly the sum of what its cohorts publish."""

    def score_cell(s: ScoreSums) -> tuple[str, datetime, str]:
        return (cohort_of_pair.get(s.relationship_id, ""), s.round_closes_at, s.role)

    def goal_cell(g: GoalSums) -> tuple[str, datetime]:
        return (cohort_of_pair.get(g.relationship_id, ""), g.round_closes_at)

    score_cells = published_rounds(
        ((score_cell(s), s.round_closes_at, s.respondent_id) for s in scores), now, minimum
    )
    goal_cells = published_rounds(
        ((goal_cell(g), g.round_closes_at, g.respondent_id) for g in goals), now, minimum
    )
    return (
        [s for s in scores if score_cell(s) in score_cells],
        [g for g in goals if goal_cell(g) in goal_cells],
    )
