"""Bodies and answers of the HR API: closed models, so a typo in a field name is a 422."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.base import Identifier
from domain.display_names import checked_display_name
from domain.state import Mode

# The relationship id is `rel-{programme}-{20 hex}` and must itself fit an Identifier (64).
ProgrammeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$")]
RELATIONSHIP_ID_PATTERN = r"^rel-[A-Za-z0-9][A-Za-z0-9_.-]{0,38}-[0-9a-f]{20}$"
PERSON_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL: refuse it here as bad input, not later as a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class StartPair(ApiModel):
    """Start one mentoring relationship. Idempotent: the same programme, mentor and mentee
    always name the same relationship, so a repeated request returns it (200) instead of
    starting a second one."""

    programme_id: ProgrammeId
    mentor_id: Identifier = Field(description="The junior employee who mentors.")
    mentee_id: Identifier = Field(description="The senior leader who learns.")
    coordinator_id: Identifier
    owner_id: Identifier = Field(description="The programme owner, who gets late escalations.")
    policy: Literal["standard", "fast"] = Field(
        default="standard", description="Deadlines in weeks (standard) or minutes (fast, demos)."
    )
    mode: Mode = Mode.REVERSE


class PairCreated(ApiModel):
    relationship_id: str
    programme_id: str
    created: bool = Field(description="False when the relationship already existed.")
    status_url: str


class PromptSummary(ApiModel):
    prompt_id: str
    kind: str
    recipient_id: str
    due_at: datetime


class PairStatus(ApiModel):
    relationship_id: str
    programme_id: str
    mentor_id: str
    mentee_id: str
    workflow_status: str
    phase: str
    mode: str
    health: str
    health_reasons: list[str] = Field(description="Reason codes, e.g. `meetings_missed`.")
    term_number: int
    term_end: datetime | None
    contract_version_in_force: int | None
    meetings_held: int
    meetings_missed: int
    escalation_open: bool
    awaiting_response_from: list[str]
    open_prompts: list[PromptSummary]
    end_reason: str | None


class Timeline(ApiModel):
    relationship_id: str
    lines: list[str] = Field(description="Oldest first; roles and ids only, no private text.")


HrEventType = Literal["participant_left", "manager_changed", "leave_started", "leave_ended"]


_NEW_MANAGER = Field(
    default=None,
    description=(
        "manager_changed only: who the employee reports to now. twoway updates its reporting"
        " lines and decides itself whether a pair now has one person above the other."
    ),
)


_LEFT_ON = Field(
    default=None,
    description=(
        "participant_left only: the day the employee left (default: today, UTC). Every leaver is"
        " kept, with or without a pair, for the programmes' retention figures."
    ),
)


class HrEventBody(ApiModel):
    """Something HR knows about one employee; it reaches each of their open relationships."""

    employee_id: Identifier
    type: HrEventType
    new_manager_id: Identifier | None = _NEW_MANAGER
    left_on: date | None = _LEFT_ON

    @model_validator(mode="after")
    def _manager_change_names_the_manager(self) -> Self:
        _require_new_manager(self.type, self.new_manager_id)
        _left_on_only_for_leavers(self.type, self.left_on)
        return self


class HrEventAccepted(ApiModel):
    employee_id: str
    type: HrEventType
    relationship_ids: list[str] = Field(description="The open relationships that were told.")
    left_on: date | None = Field(
        default=None, description="participant_left: the day recorded as the employee's last."
    )


class PairHrEventBody(ApiModel):
    participant_id: Identifier
    type: HrEventType
    new_manager_id: Identifier | None = _NEW_MANAGER
    left_on: date | None = _LEFT_ON

    @model_validator(mode="after")
    def _manager_change_names_the_manager(self) -> Self:
        _require_new_manager(self.type, self.new_manager_id)
        _left_on_only_for_leavers(self.type, self.left_on)
        return self


def _left_on_only_for_leavers(event_type: HrEventType, left_on: date | None) -> None:
    if left_on is not None and event_type != "participant_left":
        raise ValueError("left_on belongs to participant_left only: the day the employee left")


def _require_new_manager(event_type: HrEventType, new_manager_id: str | None) -> None:
    if event_type == "manager_changed" and new_manager_id is None:
        raise ValueError("manager_changed needs new_manager_id: who the employee reports to now")


class PairHrEventAccepted(ApiModel):
    relationship_id: str
    type: HrEventType


Weekday = Annotated[int, Field(ge=1, le=7)]


class PersonBody(ApiModel):
    """A directory entry: the one place a name and an address live (mail is sent by id)."""

    display_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        max_length=200
    )
    email: Annotated[
        str, StringConstraints(pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$", max_length=254)
    ]
    time_zone: str = Field(default="UTC", description="IANA zone, e.g. Europe/Paris.")
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 30)
    working_days: list[Weekday] = Field(default=[1, 2, 3, 4, 5], min_length=1, max_length=7)
    locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"

    @field_validator("display_name")
    @classmethod
    def _fits_a_mail_header(cls, value: str) -> str:
        return checked_display_name(value)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known IANA time zone") from None
        return value

    @field_validator("working_hours_start", "working_hours_end")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("give a wall-clock time without offset; time_zone says where")
        return value

    @field_validator("working_hours_end")
    @classmethod
    def _after_start(cls, value: time, info: ValidationInfo) -> time:
        start = info.data.get("working_hours_start")
        if isinstance(start, time) and value <= start:
            raise ValueError("must be after working_hours_start (hours never span midnight)")
        return value

    @field_validator("working_days")
    @classmethod
    def _distinct_days(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


class PersonOut(PersonBody):
    person_id: str


class RelationshipItem(ApiModel):
    relationship_id: str
    programme_id: str
    mentor_id: str
    mentee_id: str
    phase: str
    mode: str
    health: str
    next_due_at: datetime | None
    escalation_open: bool
    updated_at: datetime


class PhaseHealthCount(ApiModel):
    phase: str
    health: str
    relationships: int


class RelationshipList(ApiModel):
    items: list[RelationshipItem]
    counts: list[PhaseHealthCount] = Field(description="All matching relationships, not a page.")
