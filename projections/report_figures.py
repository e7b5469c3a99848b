"""Pure aggregation for the programme report, with small-group and complementary suppression.

Three rules keep a person's figures from being worked out of what the report publishes:

- a group (the programme, a cohort) with fewer than `min_group_size` relationships is withheld,
  and so many more cohorts that the withheld ones together are at least that large: the
  programme's totals minus the cohorts shown are the withheld cohorts' totals combined
  (complementary suppression);
- answers count only in closed survey rounds (a calendar month, UTC, once it has ended) and only
  for a round of a cohort and side with at least `min_group_size` people: a new answer moves no
  published figure, and a round joins the figures with enough people at once to hide each one;
- means are rounded (`MEAN_DECIMALS`, `SHARE_DECIMALS`), so a figure is not a fingerprint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from projections.report_model import (
    Figure,
    GoalSums,
    GroupFigures,
    GroupReport,
    RelationshipFacts,
    ScoreSums,
)

# Means on a 1-5 scale and hours are published to one decimal; shares to whole percents.
MEAN_DECIMALS = 1
SHARE_DECIMALS = 2

_Key = TypeVar("_Key", bound=Hashable)


def withheld_groups(sizes: Mapping[str, int], minimum: int) -> frozenset[str]:
    """Groups to withhold: every small one, then the smallest shown ones, until those withheld
    hold none or at least `minimum` relationships together.

    The total minus the shown groups is what the withheld groups hold combined; one small group
    withheld alone would be given away by that difference.
    """
    withheld = {key for key, size in sizes.items() if size < minimum}
    shown = sorted((key for key in sizes if key not in withheld), key=lambda k: (sizes[k], k))
    while withheld and shown and sum(sizes[key] for key in withheld) < minimum:
        withheld.add(shown.pop(0))
    return frozenset(withheld)


def published_rounds(
    answers: Iterable[tuple[_Key, datetime, str]], now: datetime, minimum: int
) -> frozenset[_Key]:
    """Cells (a round of a cohort and side) whose answers may be published.

    `answers` are (cell, the moment its round closes, respondent). A cell is published once its
    round has closed, so no later answer can move it, and only with `minimum` people or more.
    """
    people: dict[_Key, set[str]] = defaultdict(set)
    for cell, closes_at, respondent in answers:
        if closes_at <= now:
            people[cell].add(respondent)
    return frozenset(cell for cell, who in people.items() if len(who) >= minimum)


def group_report(
    key: str,
    facts: Sequence[RelationshipFacts],
    scores: Sequence[ScoreSums],
    goals: Sequence[GoalSums],
    min_group_size: int,
    withheld: bool = False,
) -> GroupReport:
    """Figures for one group of relationships; nothing at all when the group is too small, or
    when it is `withheld` so that a smaller group cannot be computed from the others.

    `scores` and `goals` must already be limited to published rounds (`published_rounds`).
    """
    if len(facts) < min_group_size:
        return GroupReport(key=key, suppressed=True, figures=None, reason="small_group")
    if withheld:
        return GroupReport(key=key, suppressed=True, figures=None, reason="complementary")
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
        mean_hours_to_resolve=_ratio(
            sum(f.seconds_to_resolve for f in facts) / 3600, resolved, MEAN_DECIMALS
        ),
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
        value=round(sum(total(s) for s in sums) / answers, MEAN_DECIMALS),
        respondents=respondents,
        suppressed=False,
    )


def _goal_attainment(goals: Sequence[GoalSums], minimum: int) -> Figure:
    respondents = len({g.respondent_id for g in goals})
    rated = sum(g.goals_rated for g in goals)
    if respondents < minimum or rated == 0:
        return Figure(value=None, respondents=None, suppressed=respondents < minimum)
    achieved = sum(g.goals_achieved for g in goals)
    return Figure(
        value=round(achieved / rated, SHARE_DECIMALS), respondents=respondents, suppressed=False
    )


def _ratio(numerator: float, denominator: float, decimals: int = SHARE_DECIMALS) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, decimals)
