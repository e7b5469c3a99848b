"""Events: the facts of a relationship, in the past tense, versioned for later upcasting."""

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, TypeAdapter

from domain.assessment import HealthLevel, HealthReason
from domain.base import DomainModel, Identifier, LongText, ReasonCode, Score, ShortText
from domain.contract import ContractReason, ContractTerms, Goal, MeetingFormat
from domain.prompts import Focus, GoalOutcome, GoalProgress, Prompt, PromptKind
from domain.state import Mode, Phase, Role, Severity


class EventBase(DomainModel):
    # Bump per event type when its shape changes; an upcaster then maps old payloads forward.
    schema_version: Literal[1] = 1
    occurred_at: AwareDatetime


# -- proposal ---------------------------------------------------------------------------------


class RelationshipProposed(EventBase):
    type: Literal["relationship_proposed"] = "relationship_proposed"
    relationship_id: Identifier
    programme_id: Identifier
    mentor_id: Identifier
    mentee_id: Identifier
    coordinator_id: Identifier
    owner_id: Identifier
    mode: Mode


class MatchAccepted(EventBase):
    type: Literal["match_accepted"] = "match_accepted"
    participant_id: Identifier


class MatchDeclined(EventBase):
    type: Literal["match_declined"] = "match_declined"
    participant_id: Identifier
    # Coordinator-only.
    reason: ShortText | None = None
    rematch_requested: bool = True


class ProposalExpired(EventBase):
    type: Literal["proposal_expired"] = "proposal_expired"
    missing_consent_from: tuple[Identifier, ...]
    # A pair that never got going is worth another match; the programme decides.
    rematch_requested: bool = True


# -- prompts ----------------------------------------------------------------------------------


class PromptIssued(EventBase):
    type: Literal["prompt_issued"] = "prompt_issued"
    prompt: Prompt


class PromptReminderDue(EventBase):
    type: Literal["prompt_reminder_due"] = "prompt_reminder_due"
    prompt_id: str
    recipient_id: Identifier
    kind: PromptKind
    due_at: AwareDatetime


PromptCloseReason = Literal[
    "answered", "superseded", "paused", "phase_changed", "relationship_ended"
]


class PromptClosed(EventBase):
    type: Literal["prompt_closed"] = "prompt_closed"
    prompt_id: str
    recipient_id: Identifier
    reason: PromptCloseReason
    answer_id: str | None = None


class PromptExpired(EventBase):
    type: Literal["prompt_expired"] = "prompt_expired"
    prompt_id: str
    recipient_id: Identifier
    kind: PromptKind


# -- onboarding and contract ------------------------------------------------------------------


class OnboardingStarted(EventBase):
    type: Literal["onboarding_started"] = "onboarding_started"


class BriefingAcknowledged(EventBase):
    type: Literal["briefing_acknowledged"] = "briefing_acknowledged"
    participant_id: Identifier
    hopes_to_teach: ShortText = ""
    hopes_to_learn: ShortText = ""


class ContractingStarted(EventBase):
    type: Literal["contracting_started"] = "contracting_started"
    term_number: int
    reason: ContractReason


class ContractProposed(EventBase):
    type: Literal["contract_proposed"] = "contract_proposed"
    version: int
    terms: ContractTerms
    proposed_by: Identifier
    reason: ContractReason


class ContractCounterProposed(EventBase):
    type: Literal["contract_counter_proposed"] = "contract_counter_proposed"
    version: int
    counters_version: int
    terms: ContractTerms
    proposed_by: Identifier


class ContractSigned(EventBase):
    type: Literal["contract_signed"] = "contract_signed"
    version: int
    signed_by: tuple[Identifier, Identifier]
    term_end: AwareDatetime
    # The first meeting of the agreed slot's series; None for contracts without a slot.
    first_meeting_at: AwareDatetime | None = None


# -- meetings ---------------------------------------------------------------------------------


class MeetingScheduled(EventBase):
    type: Literal["meeting_scheduled"] = "meeting_scheduled"
    meeting_number: int
    term_number: int
    scheduled_at: AwareDatetime
    ends_at: AwareDatetime
    reminder_at: AwareDatetime
    meeting_format: MeetingFormat


class MeetingReminderDue(EventBase):
    """The workflow sends the calendar invite / reminder for this meeting."""

    type: Literal["meeting_reminder_due"] = "meeting_reminder_due"
    meeting_number: int
    revision: int
    scheduled_at: AwareDatetime
    ends_at: AwareDatetime
    meeting_format: MeetingFormat


class MeetingLogSubmitted(EventBase):
    type: Literal["meeting_log_submitted"] = "meeting_log_submitted"
    meeting_number: int
    respondent_id: Identifier
    happened: bool
    learned: LongText = ""
    taught: LongText = ""


class MeetingHeld(EventBase):
    type: Literal["meeting_held"] = "meeting_held"
    meeting_number: int
    confirmed_by: Identifier


class MeetingMissed(EventBase):
    type: Literal["meeting_missed"] = "meeting_missed"
    meeting_number: int


class MeetingRescheduled(EventBase):
    type: Literal["meeting_rescheduled"] = "meeting_rescheduled"
    meeting_number: int
    previous_scheduled_at: AwareDatetime
    scheduled_at: AwareDatetime
    ends_at: AwareDatetime
    reminder_at: AwareDatetime
    requested_by: Identifier


class MeetingCancelled(EventBase):
    type: Literal["meeting_cancelled"] = "meeting_cancelled"
    meeting_number: int
    reason: ReasonCode


# -- check-ins and health ---------------------------------------------------------------------


class CheckInScheduled(EventBase):
    type: Literal["checkin_scheduled"] = "checkin_scheduled"
    round_number: int
    scheduled_at: AwareDatetime


class CheckInRoundOpened(EventBase):
    type: Literal["checkin_round_opened"] = "checkin_round_opened"
    round_number: int


class CheckInSubmitted(EventBase):
    """Private to the coordinator's side; never shown to the partner."""

    type: Literal["checkin_submitted"] = "checkin_submitted"
    round_number: int
    respondent_id: Identifier
    satisfaction: Score
    psychological_safety: Score
    goal_progress: tuple[GoalProgress, ...]
    focus: Focus
    tension_flag: bool
    private_note: LongText | None = None
    learning_goes_both_ways: bool


class HealthAssessed(EventBase):
    type: Literal["health_assessed"] = "health_assessed"
    level: HealthLevel
    reasons: tuple[HealthReason, ...]
    previous_level: HealthLevel


# -- mediation --------------------------------------------------------------------------------


class EscalationOpened(EventBase):
    type: Literal["escalation_opened"] = "escalation_opened"
    escalation_id: str
    reasons: tuple[ReasonCode, ...]
    severity: Severity
    # Coordinator-only: a participant id, "system" or "hr".
    raised_by: str
    respond_by: AwareDatetime
    private_note: LongText | None = None


class PartnersInvolved(EventBase):
    """The coordinator told both people about the mediation; from now on they see it."""

    type: Literal["partners_involved"] = "partners_involved"
    escalation_id: str


class EscalationOverdue(EventBase):
    type: Literal["escalation_overdue"] = "escalation_overdue"
    escalation_id: str
    level: int
    respond_by: AwareDatetime | None


class EscalationResolved(EventBase):
    type: Literal["escalation_resolved"] = "escalation_resolved"
    escalation_id: str
    resolution: Literal[
        "continue",
        "amend_contract",
        "pause",
        "end_without_fault",
        "rematch",
        "relationship_ended",
        "programme_ended",
    ]
    note: LongText | None = None
    # The staff member who resolved it; None for the system and for events recorded before.
    actor: Identifier | None = None


# -- mutual evolution -------------------------------------------------------------------------


class MutualProposed(EventBase):
    type: Literal["mutual_proposed"] = "mutual_proposed"
    proposed_by: Identifier
    goals: tuple[Goal, ...]


class MutualDeclined(EventBase):
    type: Literal["mutual_declined"] = "mutual_declined"
    declined_by: Identifier
    expired: bool = False


class ModeBecameMutual(EventBase):
    type: Literal["mode_became_mutual"] = "mode_became_mutual"
    consented_by: Identifier


# -- participants acting between prompts -----------------------------------------------------


class ConcernRaised(EventBase):
    """A concern that joined a case already open; coordinator-only, like a tension note."""

    type: Literal["concern_raised"] = "concern_raised"
    participant_id: Identifier
    escalation_id: str
    private_note: LongText | None = None


class PauseRequested(EventBase):
    """Follows the pause it asked for: when it ends, and the reason for the coordinator."""

    type: Literal["pause_requested"] = "pause_requested"
    participant_id: Identifier
    resume_at: AwareDatetime
    private_note: LongText | None = None


class ParticipantWithdrew(EventBase):
    """One person left the pair without fault; the reason is for the coordinator only."""

    type: Literal["participant_withdrew"] = "participant_withdrew"
    participant_id: Identifier
    private_note: LongText | None = None


class MeetingMoveRequested(EventBase):
    type: Literal["meeting_move_requested"] = "meeting_move_requested"
    meeting_number: int
    requested_by: Identifier
    scheduled_at: AwareDatetime


class MeetingMoveDeclined(EventBase):
    """The partner said no (or did not answer in time): the agreed time stands."""

    type: Literal["meeting_move_declined"] = "meeting_move_declined"
    meeting_number: int
    declined_by: Identifier
    expired: bool = False


# -- pause, HR, term --------------------------------------------------------------------------


class RelationshipPaused(EventBase):
    type: Literal["relationship_paused"] = "relationship_paused"
    reason: ReasonCode
    paused_from: Phase


class RelationshipResumed(EventBase):
    type: Literal["relationship_resumed"] = "relationship_resumed"
    resumed_to: Phase


class ParticipantLeaveStarted(EventBase):
    type: Literal["participant_leave_started"] = "participant_leave_started"
    participant_id: Identifier


class ParticipantLeaveEnded(EventBase):
    type: Literal["participant_leave_ended"] = "participant_leave_ended"
    participant_id: Identifier


class ManagerChangeRecorded(EventBase):
    type: Literal["manager_change_recorded"] = "manager_change_recorded"
    participant_id: Identifier
    # None only in events recorded before HR events carried the new manager.
    new_manager_id: Identifier | None = None
    # Decided by twoway from its own reporting lines (the whole chain), not by the HR feed.
    reporting_line_conflict: bool


class PauseReminderDue(EventBase):
    """A pause has lasted another reminder interval: the coordinator is asked to act."""

    type: Literal["pause_reminder_due"] = "pause_reminder_due"
    reminder_number: int
    paused_at: AwareDatetime
    pause_ends_at: AwareDatetime


class WindDownStarted(EventBase):
    """The programme is ending: the term closes through reflection and recognition, no renewal."""

    type: Literal["wind_down_started"] = "wind_down_started"
    reason: ReasonCode


class TermExtended(EventBase):
    type: Literal["term_extended"] = "term_extended"
    previous_term_end: AwareDatetime
    term_end: AwareDatetime
    actor: Identifier | None = None


# -- closing ----------------------------------------------------------------------------------


class ClosingStarted(EventBase):
    type: Literal["closing_started"] = "closing_started"
    term_number: int


class ReflectionSubmitted(EventBase):
    type: Literal["reflection_submitted"] = "reflection_submitted"
    respondent_id: Identifier
    term_number: int
    goals_achieved: tuple[GoalOutcome, ...]
    learned: LongText = ""
    taught: LongText = ""
    continue_informally: bool
    want_renewal: bool


class RecognitionGranted(EventBase):
    type: Literal["recognition_granted"] = "recognition_granted"
    participant_id: Identifier
    role: Role
    term_number: int
    meetings_held: int
    reflection_submitted: bool


class TermRenewed(EventBase):
    type: Literal["term_renewed"] = "term_renewed"
    term_number: int


class RelationshipCompleted(EventBase):
    type: Literal["relationship_completed"] = "relationship_completed"
    term_number: int
    continue_informally: bool


class RelationshipEndedEarly(EventBase):
    type: Literal["relationship_ended_early"] = "relationship_ended_early"
    reason: ReasonCode
    rematch_requested: bool = False
    # Set when one person left the organisation: only the partner who stays is rematched.
    left_participant_id: Identifier | None = None


Event = Annotated[
    RelationshipProposed
    | MatchAccepted
    | MatchDeclined
    | ProposalExpired
    | PromptIssued
    | PromptReminderDue
    | PromptClosed
    | PromptExpired
    | OnboardingStarted
    | BriefingAcknowledged
    | ContractingStarted
    | ContractProposed
    | ContractCounterProposed
    | ContractSigned
    | MeetingScheduled
    | MeetingReminderDue
    | MeetingLogSubmitted
    | MeetingHeld
    | MeetingMissed
    | MeetingRescheduled
    | MeetingCancelled
    | CheckInScheduled
    | CheckInRoundOpened
    | CheckInSubmitted
    | HealthAssessed
    | EscalationOpened
    | EscalationOverdue
    | EscalationResolved
    | PartnersInvolved
    | MutualProposed
    | MutualDeclined
    | ModeBecameMutual
    | RelationshipPaused
    | RelationshipResumed
    | ParticipantLeaveStarted
    | ParticipantLeaveEnded
    | ManagerChangeRecorded
    | PauseReminderDue
    | WindDownStarted
    | TermExtended
    | ClosingStarted
    | ReflectionSubmitted
    | RecognitionGranted
    | TermRenewed
    | RelationshipCompleted
    | RelationshipEndedEarly
    | ConcernRaised
    | PauseRequested
    | ParticipantWithdrew
    | MeetingMoveRequested
    | MeetingMoveDeclined,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_LIST_ADAPTER: TypeAdapter[list[Event]] = TypeAdapter(list[Event])
