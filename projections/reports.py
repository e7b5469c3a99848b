"""Programme reports: figures per programme and per intake cohort, small groups suppressed.

Cohorts are intake quarters (`2025-Q1`: the quarter in which the pair was proposed). Coordinators
compare intakes to see whether a change to the programme helped; grouping by mode or phase would
mix pairs at very different stages, and those splits are in the figures already.

A group with fewer than `min_group_size` relationships shows nothing but its key and
`suppressed: true`. Within a shown group, each figure drawn from people's answers (satisfaction,
psychological safety, goal attainment) is withheld the same way when fewer than
`min_group_size` distinct people answered, so no figure can be traced back to one person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from projections.report_figures import group_report
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
    only: frozenset[str] | None = None,
) -> ProgrammeReport:
    """``only``: the relationships to count (one organisation's pairs); None counts them all."""
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
    return ProgrammeReport(
        programme_id=programme_id,
        min_group_size=min_group_size,
        cohort_definition=COHORT_DEFINITION,
        programme=group_report(PROGRAMME_KEY, facts, scores, goals, min_group_size),
        cohorts=[
            group_report(key, members, scores, goals, min_group_size)
            for key, members in sorted(by_cohort.items())
        ],
    )
