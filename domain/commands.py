"""Commands: what someone (or the clock) asks the relationship to do."""

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, TypeAdapter

from domain.base import AnswerId, DomainModel, Identifier, LongText, PromptId, ReasonCode
from domain.contract import MAX_GOALS_PER_DIRECTION, ContractTerms, Goal
from domain.policy import RelationshipPolicy
from domain.prompts import Answer
from domain.slots import Availability
from domain.state import Mode, Severity


class StartRelationship(DomainModel):
    type: Literal["start_relationship"] = "start_relationship"
    relationship_id: Identifier
    programme_id: Identifier
    mentor_id: Identifier
    mentee_id: Identifier
    coordinator_id: Identifier
    owner_id: Identifier
    policy: RelationshipPolicy
    mode: Mode = Mode.REVERSE
    # Each person's zone and working hours, so the pair is offered slots that suit both;
    # None in starts sent before they were carried (any slot is then accepted for that person).
    mentor_availability: Availability | None = None
    mentee_availability: Availability | None = None


class AnswerPrompt(DomainModel):
    type: Literal["answer_prompt"] = "answer_prompt"
    answer_id: AnswerId
    prompt_id: PromptId
    respondent_id: Identifier
    answer: Answer


class Tick(DomainModel):
    """The clock: emit whatever fell due at or before `now`."""

    type: Literal["tick"] = "tick"


class CoordinatorCommandBase(DomainModel):
    # Who acted (a coordinator, the owner or an operator); None in commands sent before it existed.
    actor: Identifier | None = None


class OpenEscalation(CoordinatorCommandBase):
    type: Literal["open_escalation"] = "open_escalation"
    reason: ReasonCode = "coordinator_concern"
    severity: Severity = Severity.MEDIUM
    note: LongText | None = None


Resolution = Literal["continue", "amend_contract", "pause", "end_without_fault", "rematch"]


class ResolveEscalation(CoordinatorCommandBase):
    type: Literal["resolve_escalation"] = "resolve_escalation"
    resolution: Resolution
    # None resolves the escalation that is open (there is at most one).
    escalation_id: str | None = None
    note: LongText | None = None


class InvolvePartners(CoordinatorCommandBase):
    """The coordinator brings both people into the mediation of the open escalation.

    Until then neither person's page, timeline or mail changes, so the one who raised a
    concern cannot be told apart from the one who did not.
    """

    type: Literal["involve_partners"] = "involve_partners"
    # None involves them in the escalation that is open (there is at most one).
    escalation_id: str | None = None


class PauseRelationship(CoordinatorCommandBase):
    type: Literal["pause_relationship"] = "pause_relationship"
    reason: ReasonCode = "coordinator_decision"


class ResumeRelationship(CoordinatorCommandBase):
    type: Literal["resume_relationship"] = "resume_relationship"


class EndRelationship(CoordinatorCommandBase):
    type: Literal["end_relationship"] = "end_relationship"
    reason: ReasonCode = "coordinator_decision"
    rematch_requested: bool = False


class ExtendTerm(CoordinatorCommandBase):
    type: Literal["extend_term"] = "extend_term"
    new_term_end: AwareDatetime


WindDownReason = Literal["programme_ended", "programme_closed_early", "programme_cancelled"]


class WindDown(DomainModel):
    """The programme is ending: a running term closes now, a pair not yet under way ends."""

    type: Literal["wind_down"] = "wind_down"
    reason: WindDownReason = "programme_ended"


class RecordParticipantLeft(DomainModel):
    type: Literal["record_participant_left"] = "record_participant_left"
    participant_id: Identifier


class RecordManagerChange(DomainModel):
    """A fact from HR: who the participant reports to now.

    twoway looks up the managers above the new manager in its own reporting lines; the
    relationship then decides whether one of the pair now sits above the other.
    """

    type: Literal["record_manager_change"] = "record_manager_change"
    participant_id: Identifier
    new_manager_id: Identifier | None = None
    managers_above_new_manager: tuple[Identifier, ...] = Field(default=(), max_length=100)
    # Only in signals recorded before the new manager was carried (they replay unchanged).
    reporting_line_conflict: bool | None = None


class RecordLeaveStarted(DomainModel):
    type: Literal["record_leave_started"] = "record_leave_started"
    participant_id: Identifier


class RecordLeaveEnded(DomainModel):
    type: Literal["record_leave_ended"] = "record_leave_ended"
    participant_id: Identifier


# -- participants acting between prompts -----------------------------------------------------


class ParticipantCommandBase(DomainModel):
    """Something one of the pair asks for at any time, not in answer to a prompt."""

    participant_id: Identifier


class RaiseConcern(ParticipantCommandBase):
    """A concern for the coordinator alone; the partner sees nothing until they are involved."""

    type: Literal["raise_concern"] = "raise_concern"
    note: LongText | None = None


class RequestPause(ParticipantCommandBase):
    """Pause until a date (at most the policy's maximum pause); the reason is the coordinator's."""

    type: Literal["request_pause"] = "request_pause"
    until: AwareDatetime
    reason: LongText | None = None


class ResumeEarly(ParticipantCommandBase):
    """The person who asked for a pause comes back before the date they gave."""

    type: Literal["resume_early"] = "resume_early"


class LeaveRelationship(ParticipantCommandBase):
    """Leave without fault; the partner is offered a new match, the reason is the coordinator's."""

    type: Literal["leave_relationship"] = "leave_relationship"
    reason: LongText | None = None


class ProposeMutual(ParticipantCommandBase):
    """Ask the partner whether learning should go both ways (after enough meetings)."""

    type: Literal["propose_mutual"] = "propose_mutual"
    goals: tuple[Goal, ...] = Field(default=(), max_length=MAX_GOALS_PER_DIRECTION)


class ProposeAmendment(ParticipantCommandBase):
    """New contract terms; the partner signs them, or the contract in force stands."""

    type: Literal["propose_amendment"] = "propose_amendment"
    terms: ContractTerms


class MoveMeeting(ParticipantCommandBase):
    """Move the next meeting; the partner confirms, or the agreed time stands."""

    type: Literal["move_meeting"] = "move_meeting"
    to: AwareDatetime


ParticipantCommand = Annotated[
    RaiseConcern
    | RequestPause
    | ResumeEarly
    | LeaveRelationship
    | ProposeMutual
    | ProposeAmendment
    | MoveMeeting,
    Field(discriminator="type"),
]
PARTICIPANT_COMMAND_ADAPTER: TypeAdapter[ParticipantCommand] = TypeAdapter(ParticipantCommand)
PARTICIPANT_COMMAND_TYPES = (
    RaiseConcern,
    RequestPause,
    ResumeEarly,
    LeaveRelationship,
    ProposeMutual,
    ProposeAmendment,
    MoveMeeting,
)


Command = Annotated[
    StartRelationship
    | AnswerPrompt
    | Tick
    | OpenEscalation
    | ResolveEscalation
    | InvolvePartners
    | PauseRelationship
    | ResumeRelationship
    | EndRelationship
    | ExtendTerm
    | RecordParticipantLeft
    | RecordManagerChange
    | RecordLeaveStarted
    | RecordLeaveEnded
    | WindDown
    | RaiseConcern
    | RequestPause
    | ResumeEarly
    | LeaveRelationship
    | ProposeMutual
    | ProposeAmendment
    | MoveMeeting,
    Field(discriminator="type"),
]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
