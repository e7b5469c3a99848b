"""Pure aggregation for the programme report, with small-group suppression."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from projections.report_model import (
    Figure,
    GoalSums,
    GroupFigures,
    GroupReport,
    RelationshipFacts,
    ScoreSums,
)


def group_report(
    key: str,
    facts: Sequence[RelationshipFacts],
    scores: Sequence[ScoreSums],
    goals: Sequence[GoalSums],
    min_group_size: int,
) -> GroupReport:
    """Figures for one group of relationships; nothing at all when the group is too small."""
    if len(facts) < min_group_size:
        return GroupReport(key=key, suppressed=True, figures=None)
    ids = {f.relationship_id for f in facts}
    scores = [s for s in scores if s.relationship_id in ids]
    goals = [g for g in goals if g.relationship_id in ids]
    return GroupReport(
        key=key, suppressed=False, figures=_figures(facts, scores, goals, min_group_size)
    )


def _figures(
    facts: Sequence[RelationshipFacts],
    scores: Sequence[ScoreSums],
    goals: Sequence[GoalSums],
    minimum: int,
) -> GroupFigures:
    held = sum(f.meetings_held for f in facts)
    missed = sum(f.meetings_missed for f in facts)
    resolved = sum(f.escalations_resolved for f in facts)
    completed = sum(1 for f in facts if f.phase == "completed")
    early = [f for f in facts if f.phase == "ended_early"]
    mentor = [s for s in scores if s.role == "mentor"]
    mentee = [s for s in scores if s.role == "mentee"]
    return GroupFigures(
        relationships=len(facts),
        pairs_by_phase=dict(sorted(Counter(f.phase for f in facts).items())),
        mentor_satisfaction=_mean_score(mentor, lambda s: s.satisfaction_sum, minimum),
        mentee_satisfaction=_mean_score(mentee, lambda s: s.satisfaction_sum, minimum),
        mentor_psychological_safety=_mean_score(mentor, lambda s: s.safety_sum, minimum),
        mentee_psychological_safety=_mean_score(mentee, lambda s: s.safety_sum, minimum),
        goal_attainment=_goal_attainment(goals, minimum),
        meetings_held=held,
        meetings_missed=missed,
        meeting_adherence=_ratio(held, held + missed),
        escalations_opened=sum(f.escalations_opened for f in facts),
        escalations_resolved=resolved,
        escalations_to_owner=sum(f.escalations_to_owner for f in facts),
        mean_hours_to_resolve=_ratio(sum(f.seconds_to_resolve for f in facts) / 3600, resolved),
        mutual_evolutions=sum(1 for f in facts if f.became_mutual_at is not None),
        mutual_rate=_ratio(sum(1 for f in facts if f.mode == "mutual"), len(facts)),
        completed=completed,
        ended_early=len(early),
        early_ends_by_reason=dict(
            sorted(Counter(f.end_reason or "unknown" for f in early).items())
        ),
        completion_rate=_ratio(completed, completed + len(early)),
    )


def _mean_score(
    sums: Sequence[ScoreSums], total: Callable[[ScoreSums], float], minimum: int
) -> Figure:
    respondents = len({s.respondent_id for s in sums})
    if respondents < minimum:
        return Figure(value=None, respondents=None, suppressed=True)
    answers = sum(s.answers for s in sums)
    return Figure(
        value=_rounded(sum(total(s) for s in sums) / answers),
        respondents=respondents,
        suppressed=False,
    )


def _goal_attainment(goals: Sequence[GoalSums], minimum: int) -> Figure:
    respondents = len({g.respondent_id for g in goals})
    rated = sum(g.goals_rated for g in goals)
    if respondents < minimum or rated == 0:
        return Figure(value=None, respondents=None, suppressed=respondents < minimum)
    achieved = sum(g.goals_achieved for g in goals)
    return Figure(value=_rounded(achieved / rated), respondents=respondents, suppressed=False)


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else _rounded(numerator / denominator)


def _rounded(value: float) -> float:
    # Reports compare figures across runs; rounding keeps float noise out of them.
    return round(value, 4)
