"""Programme policy: every deadline, cadence and threshold the relationship runs on.

The policy travels in the workflow input, so a demo programme can run in minutes what a real
one runs in weeks, with the same code.
"""

from datetime import timedelta
from typing import Self

from pydantic import Field, model_validator

from domain.base import DomainModel


class HealthThresholds(DomainModel):
    """Where green turns amber and amber turns red."""

    adherence_amber: float = Field(default=0.75, gt=0, le=1)
    adherence_red: float = Field(default=0.5, gt=0, le=1)
    # A ratio over one or two meetings says little; the missed-in-a-row rule covers the start.
    adherence_min_meetings: int = Field(default=3, ge=1)
    missed_in_a_row_amber: int = Field(default=1, ge=1)
    missed_in_a_row_red: int = Field(default=2, ge=1)
    # Scores are 1-5; at or below these values a check-in answer is a concern.
    score_amber: int = Field(default=2, ge=1, le=5)
    score_red: int = Field(default=1, ge=1, le=5)
    answer_gap_amber: int = Field(default=2, ge=1, le=4)
    unanswered_amber: int = Field(default=2, ge=1)
    unanswered_red: int = Field(default=4, ge=1)

    @model_validator(mode="after")
    def _red_is_worse_than_amber(self) -> Self:
        if self.adherence_red > self.adherence_amber:
            raise ValueError("adherence_red must not be above adherence_amber")
        if self.missed_in_a_row_red < self.missed_in_a_row_amber:
            raise ValueError("missed_in_a_row_red must be at least missed_in_a_row_amber")
        if self.score_red > self.score_amber:
            raise ValueError("score_red must not be above score_amber")
        if self.unanswered_red < self.unanswered_amber:
            raise ValueError("unanswered_red must be at least unanswered_amber")
        return self


class RelationshipPolicy(DomainModel):
    consent_deadline: timedelta
    # How long before a prompt's deadline its reminder goes out (none if the window is shorter).
    prompt_reminder_lead: timedelta
    onboarding_deadline: timedelta
    contracting_deadline: timedelta
    default_cadence: timedelta
    meeting_reminder_lead: timedelta
    meeting_log_window: timedelta
    default_meeting_length: timedelta
    checkin_interval: timedelta
    checkin_response_window: timedelta
    closing_window: timedelta
    coordinator_response_deadline: timedelta
    owner_response_deadline: timedelta
    default_term_length: timedelta
    # A pause nobody ends would hold both people's places for ever: the coordinator is reminded
    # every interval, and the relationship ends when the pause reaches its maximum.
    pause_reminder_interval: timedelta = timedelta(days=14)
    max_pause: timedelta = timedelta(days=90)
    max_goals: int = Field(default=5, ge=1, le=5)
    # Mutual mentoring may be proposed once this many meetings were held in the term; after a
    # refusal it may be asked again once this many more were held (not monthly, not never).
    mutual_min_meetings: int = Field(default=2, ge=0)
    mutual_retry_after_meetings: int = Field(default=3, ge=1)
    health: HealthThresholds = HealthThresholds()

    @model_validator(mode="after")
    def _durations_are_positive(self) -> Self:
        for name, value in self:
            if isinstance(value, timedelta) and value <= timedelta(0):
                raise ValueError(f"{name} must be positive")
        return self

    @classmethod
    def standard(cls) -> "RelationshipPolicy":
        """Realistic defaults for a six-month programme with fortnightly meetings."""
        return cls(
            consent_deadline=timedelta(days=7),
            prompt_reminder_lead=timedelta(days=2),
            onboarding_deadline=timedelta(days=14),
            contracting_deadline=timedelta(days=14),
            default_cadence=timedelta(weeks=2),
            meeting_reminder_lead=timedelta(days=1),
            meeting_log_window=timedelta(days=4),
            default_meeting_length=timedelta(hours=1),
            checkin_interval=timedelta(days=30),
            checkin_response_window=timedelta(days=7),
            closing_window=timedelta(days=14),
            coordinator_response_deadline=timedelta(days=3),
            owner_response_deadline=timedelta(days=5),
            default_term_length=timedelta(days=182),
            pause_reminder_interval=timedelta(days=14),
            max_pause=timedelta(days=90),
        )

    @classmethod
    def fast(cls) -> "RelationshipPolicy":
        """Minutes instead of weeks, so a whole term fits in a demo (~30 minutes)."""
        return cls(
            consent_deadline=timedelta(minutes=5),
            prompt_reminder_lead=timedelta(minutes=1),
            onboarding_deadline=timedelta(minutes=5),
            contracting_deadline=timedelta(minutes=5),
            default_cadence=timedelta(minutes=2),
            meeting_reminder_lead=timedelta(seconds=30),
            meeting_log_window=timedelta(minutes=2),
            default_meeting_length=timedelta(minutes=1),
            checkin_interval=timedelta(minutes=6),
            checkin_response_window=timedelta(minutes=3),
            closing_window=timedelta(minutes=5),
            coordinator_response_deadline=timedelta(minutes=5),
            owner_response_deadline=timedelta(minutes=5),
            default_term_length=timedelta(minutes=30),
            pause_reminder_interval=timedelta(minutes=20),
            max_pause=timedelta(hours=2),
        )

    @classmethod
    def demo(cls) -> "RelationshipPolicy":
        """The fast policy squeezed further, so `twoway demo` shows a whole term in minutes."""
        return cls(
            consent_deadline=timedelta(seconds=100),
            prompt_reminder_lead=timedelta(seconds=30),
            onboarding_deadline=timedelta(seconds=90),
            contracting_deadline=timedelta(seconds=90),
            default_cadence=timedelta(seconds=40),
            meeting_reminder_lead=timedelta(seconds=10),
            meeting_log_window=timedelta(seconds=30),
            default_meeting_length=timedelta(seconds=10),
            checkin_interval=timedelta(seconds=70),
            checkin_response_window=timedelta(seconds=40),
            closing_window=timedelta(minutes=1),
            coordinator_response_deadline=timedelta(minutes=1),
            owner_response_deadline=timedelta(minutes=1),
            default_term_length=timedelta(minutes=3),
            pause_reminder_interval=timedelta(minutes=1),
            max_pause=timedelta(minutes=6),
        )
