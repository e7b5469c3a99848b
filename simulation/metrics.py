"""What a coordinator wants to know from a simulated (or real) cohort of relationships."""

from __future__ import annotations

from collections import Counter
from statistics import mean

from pydantic import BaseModel

from domain.prompts import PromptStatus
from domain.state import MeetingStatus, Mode, Phase, RelationshipState


class CohortMetrics(BaseModel):
    relationships: int
    completion_rate: float
    early_end_rate_by_reason: dict[str, float]
    still_open_by_phase: dict[str, int]
    meeting_adherence: float | None
    meetings_held: int
    meetings_missed: int
    escalations: int
    escalations_resolved: int
    mean_days_to_resolve: float | None
    mutual_evolution_rate: float
    prompts_answered: int
    prompts_answered_late: int
    prompts_expired: int


def cohort_metrics(states: list[RelationshipState]) -> CohortMetrics:
    total = len(states) or 1
    ended = Counter(_end_reason(s) for s in states if s.phase in _EARLY_ENDS)
    open_phases = Counter(s.phase.value for s in states if not s.is_terminal)
    held = sum(1 for s in states for m in s.meetings if m.status == MeetingStatus.HELD)
    missed = sum(1 for s in states for m in s.meetings if m.status == MeetingStatus.MISSED)
    escalations = [e for s in states for e in s.escalations]
    resolved_days = [
        (e.resolved_at - e.opened_at).total_seconds() / 86_400
        for e in escalations
        if e.resolved_at is not None
    ]
    prompts = [p for s in states for p in s.prompts.values()]
    answered = [p for p in prompts if p.status == PromptStatus.ANSWERED]
    return CohortMetrics(
        relationships=len(states),
        completion_rate=_rate(sum(s.phase == Phase.COMPLETED for s in states), total),
        early_end_rate_by_reason={k: _rate(v, total) for k, v in sorted(ended.items())},
        still_open_by_phase=dict(sorted(open_phases.items())),
        meeting_adherence=_rate(held, held + missed) if held + missed else None,
        meetings_held=held,
        meetings_missed=missed,
        escalations=len(escalations),
        escalations_resolved=len(resolved_days),
        mean_days_to_resolve=round(mean(resolved_days), 2) if resolved_days else None,
        mutual_evolution_rate=_rate(sum(s.mode == Mode.MUTUAL for s in states), total),
        prompts_answered=len(answered),
        prompts_answered_late=sum(
            1
            for p in answered
            if p.remind_at is not None and p.closed_at is not None and p.closed_at >= p.remind_at
        ),
        prompts_expired=sum(1 for p in prompts if p.status == PromptStatus.EXPIRED),
    )


_EARLY_ENDS = frozenset({Phase.ENDED_EARLY, Phase.DECLINED})


def _end_reason(state: RelationshipState) -> str:
    if state.phase == Phase.DECLINED:
        return f"declined:{state.end_reason or 'declined'}"
    return state.end_reason or "unknown"


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
