"""What a coordinator wants to know from a simulated (or real) cohort of relationships."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import mean

from pydantic import BaseModel

from domain.prompts import PromptStatus
from domain.state import TERMINAL_PHASES, MeetingStatus, Mode, Phase, RelationshipState


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


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What the cohort's metrics need from one pair, a few numbers instead of its whole state
    (a worker process sends this back: pickling 10,000 final states cost more than the rules)."""

    phase: Phase
    end_reason: str | None  # only for pairs that ended early or declined
    mutual: bool
    meetings_held: int
    meetings_missed: int
    escalations: int
    # Days to resolve each resolved escalation, in the order they were opened.
    days_to_resolve: tuple[float, ...]
    prompts_answered: int
    prompts_answered_late: int
    prompts_expired: int


def pair_outcome(state: RelationshipState) -> PairOutcome:
    answered = [p for p in state.prompts.values() if p.status == PromptStatus.ANSWERED]
    return PairOutcome(
        phase=state.phase,
        end_reason=_end_reason(state) if state.phase in _EARLY_ENDS else None,
        mutual=state.mode == Mode.MUTUAL,
        meetings_held=sum(1 for m in state.meetings if m.status == MeetingStatus.HELD),
        meetings_missed=sum(1 for m in state.meetings if m.status == MeetingStatus.MISSED),
        escalations=len(state.escalations),
        days_to_resolve=tuple(
            (e.resolved_at - e.opened_at).total_seconds() / 86_400
            for e in state.escalations
            if e.resolved_at is not None
        ),
        prompts_answered=len(answered),
        prompts_answered_late=sum(
            1
            for p in answered
            if p.remind_at is not None and p.closed_at is not None and p.closed_at >= p.remind_at
        ),
        prompts_expired=sum(1 for p in state.prompts.values() if p.status == PromptStatus.EXPIRED),
    )


def cohort_metrics(states: list[RelationshipState]) -> CohortMetrics:
    return outcome_metrics([pair_outcome(state) for state in states])


def outcome_metrics(outcomes: list[PairOutcome]) -> CohortMetrics:
    total = len(outcomes) or 1
    ended = Counter(o.end_reason for o in outcomes if o.end_reason is not None)
    open_phases = Counter(o.phase.value for o in outcomes if o.phase not in TERMINAL_PHASES)
    held = sum(o.meetings_held for o in outcomes)
    missed = sum(o.meetings_missed for o in outcomes)
    resolved_days = [days for o in outcomes for days in o.days_to_resolve]
    return CohortMetrics(
        relationships=len(outcomes),
        completion_rate=_rate(sum(o.phase == Phase.COMPLETED for o in outcomes), total),
        early_end_rate_by_reason={k: _rate(v, total) for k, v in sorted(ended.items())},
        still_open_by_phase=dict(sorted(open_phases.items())),
        meeting_adherence=_rate(held, held + missed) if held + missed else None,
        meetings_held=held,
        meetings_missed=missed,
        escalations=sum(o.escalations for o in outcomes),
        escalations_resolved=len(resolved_days),
        mean_days_to_resolve=round(mean(resolved_days), 2) if resolved_days else None,
        mutual_evolution_rate=_rate(sum(o.mutual for o in outcomes), total),
        prompts_answered=sum(o.prompts_answered for o in outcomes),
        prompts_answered_late=sum(o.prompts_answered_late for o in outcomes),
        prompts_expired=sum(o.prompts_expired for o in outcomes),
    )


_EARLY_ENDS = frozenset({Phase.ENDED_EARLY, Phase.DECLINED})


def _end_reason(state: RelationshipState) -> str:
    if state.phase == Phase.DECLINED:
        return f"declined:{state.end_reason or 'declined'}"
    return state.end_reason or "unknown"


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
