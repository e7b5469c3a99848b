"""The result of a health assessment; the rules that compute it live in `health.py`."""

from enum import StrEnum

from pydantic import Field

from domain.base import DomainModel, ReasonCode


class HealthLevel(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {HealthLevel.GREEN: 0, HealthLevel.AMBER: 1, HealthLevel.RED: 2}


class HealthReason(DomainModel):
    code: ReasonCode
    # Short operator-facing text: counts and roles only, never names or private notes.
    detail: str = Field(max_length=200)
    level: HealthLevel


class HealthAssessment(DomainModel):
    level: HealthLevel = HealthLevel.GREEN
    reasons: tuple[HealthReason, ...] = ()

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)
