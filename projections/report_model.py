"""The programme report's shape, and the raw facts it is computed from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Figure(BaseModel):
    """A figure computed from people's answers; withheld when too few people gave them."""

    model_config = ConfigDict(frozen=True)

    value: float | None
    respondents: int | None
    suppressed: bool


class GroupFigures(BaseModel):
    model_config = ConfigDict(frozen=True)

    relationships: int
    pairs_by_phase: dict[str, int]
    # Satisfaction and psychological safety of each side: the mentor is the junior, so a gap
    # between the two sides is the power gap the programme watches for.
    mentor_satisfaction: Figure
    mentee_satisfaction: Figure
    mentor_psychological_safety: Figure
    mentee_psychological_safety: Figure
    # Share of the goals rated in closing reflections that were marked achieved.
    goal_attainment: Figure
    meetings_held: int
    meetings_missed: int
    # held / (held + missed); cancelled and upcoming meetings do not count either way.
    meeting_adherence: float | None
    escalations_opened: int
    escalations_resolved: int
    escalations_to_owner: int
    mean_hours_to_resolve: float | None
    mutual_evolutions: int
    # Relationships in mutual mode now (started mutual or evolved) over all relationships.
    mutual_rate: float | None
    completed: int
    ended_early: int
    early_ends_by_reason: dict[str, int]
    # completed / (completed + ended early); declined matches never started, so are left out.
    completion_rate: float | None


class GroupReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    # True when the group has fewer relationships than the minimum: nothing is shown, not even
    # its size, since a small count is itself revealing. Also true for a group withheld only so
    # that a small one cannot be computed as the programme minus the groups shown.
    suppressed: bool
    figures: GroupFigures | None
    # Why a group is withheld: `small_group` or `complementary`; None when it is shown.
    reason: str | None = None


class ProgrammeReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    programme_id: str
    min_group_size: int
    cohort_definition: str
    programme: GroupReport
    cohorts: list[GroupReport]


@dataclass(frozen=True, slots=True)
class RelationshipFacts:
    relationship_id: str
    proposed_at: datetime
    phase: str
    mode: str
    initial_mode: str | None
    became_mutual_at: datetime | None
    end_reason: str | None
    meetings_held: int
    meetings_missed: int
    escalations_opened: int
    escalations_resolved: int
    escalations_to_owner: int
    seconds_to_resolve: float


@dataclass(frozen=True, slots=True)
class ScoreSums:
    relationship_id: str
    role: str
    respondent_id: str
    # The moment the survey round of these answers closes (the end of their calendar month).
    round_closes_at: datetime
    answers: int
    satisfaction_sum: float
    safety_sum: float


@dataclass(frozen=True, slots=True)
class GoalSums:
    relationship_id: str
    respondent_id: str
    round_closes_at: datetime
    goals_rated: int
    goals_achieved: int
