"""Prompts (questions the workflow puts to a person) and the typed answers they accept."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, JsonValue, TypeAdapter

from domain.base import DomainModel, Identifier, LongText, PromptId, Score, ShortText
from domain.contract import MAX_GOALS_PER_DIRECTION, ContractTerms, Goal


class PromptKind(StrEnum):
    CONSENT = "consent"
    ONBOARDING = "onboarding"
    CONTRACT_PROPOSAL = "contract_proposal"
    CONTRACT_REVIEW = "contract_review"
    MEETING_LOG = "meeting_log"
    CHECKIN = "checkin"
    MUTUAL_CONSENT = "mutual_consent"
    CLOSING_REFLECTION = "closing_reflection"
    MEETING_MOVE = "meeting_move"


class PromptStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    # Withdrawn by the system (pause, end, superseded); not the person's fault.
    CLOSED = "closed"


class PromptContext(DomainModel):
    """What the inbox needs to render the question; references only, never names or text."""

    term_number: int = 1
    contract_version: int | None = None
    meeting_number: int | None = None
    meeting_scheduled_at: AwareDatetime | None = None
    checkin_round: int | None = None
    # A meeting move asks about this new time.
    proposed_at: AwareDatetime | None = None


class Prompt(DomainModel):
    prompt_id: PromptId
    recipient_id: Identifier
    kind: PromptKind
    issued_at: AwareDatetime
    due_at: AwareDatetime
    remind_at: AwareDatetime | None = None
    context: PromptContext = PromptContext()
    status: PromptStatus = PromptStatus.OPEN
    reminder_sent: bool = False
    closed_at: AwareDatetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == PromptStatus.OPEN


class Focus(StrEnum):
    ON_TRACK = "on_track"
    DRIFTING_TO_SMALL_TALK = "drifting_to_small_talk"
    OFF_TOPIC = "off_topic"


class ConsentAnswer(DomainModel):
    kind: Literal["consent"] = "consent"
    decision: Literal["accept", "decline"]
    # Seen by the coordinator only; never by the other person.
    reason: ShortText | None = None


class BriefingSection(StrEnum):
    """The parts of every role's briefing; each one is acknowledged on its own.

    The words of each part are content a programme owner may replace (the `content` package);
    which parts exist is a rule, so a briefing cannot be passed by acknowledging less.
    """

    YOUR_ROLE = "your_role"
    RAPPORT_AND_TRUST = "rapport_and_trust"
    CONFIDENTIALITY = "confidentiality"
    POWER_GAP = "power_gap"
    STAYING_ON_FOCUS = "staying_on_focus"
    WHEN_SOMETHING_GOES_WRONG = "when_something_goes_wrong"


# Marks the fields kept only so that answers given before the per-section briefing still parse
# (and replay); the inbox never asks them.
LEGACY_FIELD: dict[str, JsonValue] = {"x-legacy": True}


class OnboardingAnswer(DomainModel):
    kind: Literal["onboarding"] = "onboarding"
    # One acknowledgement per briefing section (`BriefingSection`), in the briefing's order.
    read_your_role: bool = False
    read_rapport_and_trust: bool = False
    read_confidentiality: bool = False
    read_power_gap: bool = False
    read_staying_on_focus: bool = False
    read_when_something_goes_wrong: bool = False
    hopes_to_teach: ShortText = ""
    hopes_to_learn: ShortText = ""
    # The four acknowledgements of the first briefing, before it had sections to read.
    understands_roles: bool | None = Field(default=None, json_schema_extra=LEGACY_FIELD)
    understands_responsibilities: bool | None = Field(default=None, json_schema_extra=LEGACY_FIELD)
    commits_to_rapport: bool | None = Field(default=None, json_schema_extra=LEGACY_FIELD)
    accepts_confidentiality: bool | None = Field(default=None, json_schema_extra=LEGACY_FIELD)

    @property
    def is_legacy(self) -> bool:
        """An answer to the four-checkbox briefing (recorded before sections existed)."""
        return any(
            given is not None
            for given in (
                self.understands_roles,
                self.understands_responsibilities,
                self.commits_to_rapport,
                self.accepts_confidentiality,
            )
        )

    def acknowledged(self, section: BriefingSection) -> bool:
        given: bool = getattr(self, f"read_{section.value}")
        return given


class ContractProposalAnswer(DomainModel):
    kind: Literal["contract_proposal"] = "contract_proposal"
    terms: ContractTerms


class ContractReviewAnswer(DomainModel):
    kind: Literal["contract_review"] = "contract_review"
    decision: Literal["accept", "counter"]
    counter_terms: ContractTerms | None = None


class MeetingLogAnswer(DomainModel):
    kind: Literal["meeting_log"] = "meeting_log"
    happened: bool
    learned: LongText = ""
    taught: LongText = ""
    reschedule_to: AwareDatetime | None = None


class GoalProgress(DomainModel):
    goal_number: int = Field(ge=1, le=2 * MAX_GOALS_PER_DIRECTION)
    score: Score


class CheckInAnswer(DomainModel):
    kind: Literal["checkin"] = "checkin"
    satisfaction: Score
    goal_progress: tuple[GoalProgress, ...] = Field(max_length=2 * MAX_GOALS_PER_DIRECTION)
    psychological_safety: Score
    focus: Focus
    tension_flag: bool = False
    # Travels to the coordinator only.
    private_note: LongText | None = None
    learning_goes_both_ways: bool = False
    other_direction_goals: tuple[Goal, ...] = Field(default=(), max_length=MAX_GOALS_PER_DIRECTION)


class MutualConsentAnswer(DomainModel):
    kind: Literal["mutual_consent"] = "mutual_consent"
    consent: bool
    goals: tuple[Goal, ...] = Field(default=(), max_length=MAX_GOALS_PER_DIRECTION)


class GoalOutcome(DomainModel):
    goal_number: int = Field(ge=1, le=2 * MAX_GOALS_PER_DIRECTION)
    achieved: bool


class ClosingReflectionAnswer(DomainModel):
    kind: Literal["closing_reflection"] = "closing_reflection"
    goals_achieved: tuple[GoalOutcome, ...] = Field(max_length=2 * MAX_GOALS_PER_DIRECTION)
    learned: LongText = ""
    taught: LongText = ""
    continue_informally: bool
    want_renewal: bool


class MeetingMoveAnswer(DomainModel):
    kind: Literal["meeting_move"] = "meeting_move"
    confirm: bool


Answer = Annotated[
    ConsentAnswer
    | OnboardingAnswer
    | ContractProposalAnswer
    | ContractReviewAnswer
    | MeetingLogAnswer
    | CheckInAnswer
    | MutualConsentAnswer
    | ClosingReflectionAnswer
    | MeetingMoveAnswer,
    Field(discriminator="kind"),
]
ANSWER_ADAPTER: TypeAdapter[Answer] = TypeAdapter(Answer)
