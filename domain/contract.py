"""The mentoring contract: what the pair agreed to work on, how often, and for how long."""

from datetime import timedelta
from enum import StrEnum

from pydantic import AwareDatetime, Field

from domain.base import DomainModel, Identifier, LongText, RequiredText, ShortText
from domain.slots import MeetingSlot


class GoalDirection(StrEnum):
    # In reverse mentoring the junior mentor teaches the senior mentee; mutual adds the other way.
    MENTOR_TO_MENTEE = "mentor_to_mentee"
    MENTEE_TO_MENTOR = "mentee_to_mentor"


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class Goal(DomainModel):
    description: RequiredText
    success_measure: RequiredText
    direction: GoalDirection = GoalDirection.MENTOR_TO_MENTEE


# Up to five goals per direction; the policy may lower that limit, the domain checks it.
MAX_GOALS_PER_DIRECTION = 5


class ContractTerms(DomainModel):
    goals: tuple[Goal, ...] = Field(min_length=1, max_length=2 * MAX_GOALS_PER_DIRECTION)
    focus_area: RequiredText
    cadence: timedelta
    meeting_length: timedelta
    meeting_format: MeetingFormat
    confidentiality_terms: LongText = Field(min_length=1)
    term_end: AwareDatetime
    # When the pair meets (a weekday and start time in an anchor zone, `domain/slots.py`) and
    # where: a place or a video link. Contracts written before slots existed have neither and
    # meet on the cadence counted from the signature.
    slot: MeetingSlot | None = None
    location: ShortText | None = None

    def goals_in(self, direction: GoalDirection) -> tuple[Goal, ...]:
        return tuple(goal for goal in self.goals if goal.direction == direction)


class ContractStatus(StrEnum):
    PROPOSED = "proposed"
    COUNTERED = "countered"
    SIGNED = "signed"


class ContractReason(StrEnum):
    """Why a version exists; amendments and renewals are versions like any other."""

    INITIAL = "initial"
    AMENDMENT = "amendment"
    RENEWAL = "renewal"
    MUTUAL = "mutual"


class ContractVersion(DomainModel):
    version: int = Field(ge=1)
    terms: ContractTerms
    proposed_by: Identifier
    proposed_at: AwareDatetime
    status: ContractStatus = ContractStatus.PROPOSED
    # A contract is in force only once both participants appear here.
    signed_by: tuple[Identifier, ...] = ()
    reason: ContractReason = ContractReason.INITIAL
