"""The folded state of one mentoring relationship (built only by `evolve`)."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, Field

from domain.assessment import HealthAssessment, HealthReason
from domain.base import EVERY_FIELD, DomainModel, Identifier, LongText, ReasonCode, derived_from
from domain.contract import ContractReason, ContractStatus, ContractVersion, Goal
from domain.policy import RelationshipPolicy
from domain.prompts import Focus, Prompt, PromptKind
from domain.slots import Availability

if TYPE_CHECKING:
    from domain.schedule import DueItem


class Phase(StrEnum):
    PROPOSED = "proposed"
    ONBOARDING = "onboarding"
    CONTRACTING = "contracting"
    ACTIVE = "active"
    MEDIATION = "mediation"
    PAUSED = "paused"
    CLOSING = "closing"
    COMPLETED = "completed"
    DECLINED = "declined"
    ENDED_EARLY = "ended_early"


TERMINAL_PHASES = frozenset({Phase.COMPLETED, Phase.DECLINED, Phase.ENDED_EARLY})

# Every phase in the order a relationship lives through them: the way forward, then how it
# ends, the good end first. Reports list phases in this order.
LIFECYCLE_ORDER: tuple[Phase, ...] = (
    *(phase for phase in Phase if phase not in TERMINAL_PHASES),
    Phase.COMPLETED,
    Phase.ENDED_EARLY,
    Phase.DECLINED,
)


def is_terminal_phase(phase: str) -> bool:
    """Whether a phase (as the read tables store it) is one a relationship never leaves."""
    return phase in TERMINAL_PHASES


class Mode(StrEnum):
    REVERSE = "reverse"
    MUTUAL = "mutual"


class Role(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    AWAITING_LOG = "awaiting_log"
    HELD = "held"
    MISSED = "missed"
    CANCELLED = "cancelled"


PENDING_MEETING = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.AWAITING_LOG})


class Meeting(DomainModel):
    number: int
    term_number: int
    scheduled_at: AwareDatetime
    ends_at: AwareDatetime
    reminder_at: AwareDatetime
    status: MeetingStatus = MeetingStatus.SCHEDULED
    reminder_sent: bool = False
    # Bumped on every reschedule so each new time gets its own reminder key.
    revision: int = 0
    # The time the meeting rule gave it; a reschedule moves `scheduled_at`, never this, so
    # the next meeting still follows the rule.
    regular_at: AwareDatetime | None = None


class CheckInRecord(DomainModel):
    """Scores only; free text and notes stay in the event and the escalation."""

    round_number: int
    respondent_id: Identifier
    satisfaction: int
    psychological_safety: int
    average_progress: float | None
    focus: Focus
    tension_flag: bool


class Severity(StrEnum):
    MEDIUM = "medium"
    HIGH = "high"


class EscalationStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


HIERARCHY_CONFLICT = "hierarchy_conflict"
# The owner's last notice: when its deadline passes as well, the relationship ends.
LAST_NOTICE_LEVEL = 3


class Escalation(DomainModel):
    escalation_id: str
    reasons: tuple[ReasonCode, ...]
    severity: Severity
    # 1 = coordinator, 2 = programme owner after the coordinator's deadline, 3 = owner overdue
    # (a last notice; when its deadline passes too, the relationship ends).
    level: int = 1
    # Kept for the coordinator; participant-facing views must never show it.
    raised_by: str
    opened_at: AwareDatetime
    respond_by: AwareDatetime | None
    private_note: LongText | None = None
    status: EscalationStatus = EscalationStatus.OPEN
    resolution: str | None = None
    resolved_at: AwareDatetime | None = None
    resolved_by: str | None = None
    # False until the coordinator involves both people (`InvolvePartners`): before that,
    # nothing a participant sees may change, or the partner could tell who raised it.
    partners_involved: bool = False


class Reflection(DomainModel):
    respondent_id: Identifier
    term_number: int
    goals_achieved: int
    continue_informally: bool
    want_renewal: bool


class Recognition(DomainModel):
    participant_id: Identifier
    role: Role
    term_number: int
    meetings_held: int
    reflection_submitted: bool
    granted_at: AwareDatetime


class MutualProposal(DomainModel):
    proposed_by: Identifier
    goals: tuple[Goal, ...]


class MeetingMove(DomainModel):
    meeting_number: int
    requested_by: Identifier
    scheduled_at: AwareDatetime


class RelationshipState(DomainModel):
    relationship_id: Identifier
    programme_id: Identifier
    mentor_id: Identifier
    mentee_id: Identifier
    coordinator_id: Identifier
    owner_id: Identifier
    policy: RelationshipPolicy
    mode: Mode = Mode.REVERSE
    mentor_availability: Availability | None = None
    mentee_availability: Availability | None = None
    phase: Phase = Phase.PROPOSED
    proposed_at: AwareDatetime | None = None
    last_event_at: AwareDatetime | None = None
    term_number: int = 1
    accepted_by: tuple[Identifier, ...] = ()
    briefed: tuple[Identifier, ...] = ()
    contracts: tuple[ContractVersion, ...] = ()
    contracting_reason: ContractReason = ContractReason.INITIAL
    contract_in_force: int | None = None
    term_end: AwareDatetime | None = None
    # The first meeting of the series the contract in force set (None without a slot).
    series_first_at: AwareDatetime | None = None
    meetings: tuple[Meeting, ...] = ()
    next_checkin_round: int = 1
    next_checkin_at: AwareDatetime | None = None
    # When the last check-in round opened; the next one follows the interval from here.
    checkin_anchor: AwareDatetime | None = None
    checkins: tuple[CheckInRecord, ...] = ()
    prompts: dict[str, Prompt] = Field(default_factory=dict)
    escalations: tuple[Escalation, ...] = ()
    mediation_from: Phase | None = None
    paused_from: Phase | None = None
    pause_reason: ReasonCode | None = None
    # When the current pause began and how many reminders it has cost the coordinator so far.
    paused_at: AwareDatetime | None = None
    pause_reminders_sent: int = 0
    on_leave: tuple[Identifier, ...] = ()
    # A pause one of the pair asked for: who, and when it ends by itself.
    pause_requested_by: Identifier | None = None
    pause_resume_at: AwareDatetime | None = None
    health: HealthAssessment = HealthAssessment()
    mutual_proposal: MutualProposal | None = None
    mutual_declined_in_term: bool = False
    # Meetings held in the term when mutual mentoring was last refused (the cool-down's start).
    mutual_declined_at_held: int | None = None
    meeting_move: MeetingMove | None = None
    reflections: tuple[Reflection, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
    # Answer ids already applied: Temporal's update-id dedupe does not survive continue-as-new.
    processed_answer_ids: tuple[str, ...] = ()
    end_reason: ReasonCode | None = None
    rematch_requested: bool = False
    left_participant_id: Identifier | None = None
    # Histories recorded before every state had a deadline replay with the rules they ran
    # under: the workflow sets this from `workflow.patched`, the domain defaults to today's.
    legacy_rules: bool = False
    # The programme is ending: the current term closes and is never renewed.
    winding_down: bool = False

    # -- participants -------------------------------------------------------------------------

    @property
    def participants(self) -> tuple[str, str]:
        return (self.mentor_id, self.mentee_id)

    def role_of(self, participant_id: str) -> Role | None:
        if participant_id == self.mentor_id:
            return Role.MENTOR
        if participant_id == self.mentee_id:
            return Role.MENTEE
        return None

    def participant_for(self, role: Role) -> str:
        return self.mentor_id if role == Role.MENTOR else self.mentee_id

    @property
    def availabilities(self) -> tuple[Availability, ...]:
        """Whatever is known of both people's hours (nothing for pairs started before)."""
        known = (self.mentor_availability, self.mentee_availability)
        return tuple(a for a in known if a is not None)

    def availability_of(self, participant_id: str) -> Availability | None:
        if participant_id == self.mentor_id:
            return self.mentor_availability
        if participant_id == self.mentee_id:
            return self.mentee_availability
        return None

    def partner_of(self, participant_id: str) -> str:
        return self.mentee_id if participant_id == self.mentor_id else self.mentor_id

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.proposed_at is not None

    @property
    def is_terminal(self) -> bool:
        return self.phase in TERMINAL_PHASES

    @property
    def meetings_run(self) -> bool:
        """Meetings and check-ins run in active, and keep running through a mediation of it."""
        return self.phase == Phase.ACTIVE or (
            self.phase == Phase.MEDIATION and self.mediation_from == Phase.ACTIVE
        )

    # -- prompts ------------------------------------------------------------------------------

    # Derived values: computed once per state and kept by copies that leave what they read
    # alone (see `derived_from`); each decision asks them after every step, while the prompts
    # and meetings of a year pile up.

    @derived_from("prompts")
    def open_prompts(self) -> tuple[Prompt, ...]:
        return tuple(prompt for prompt in self.prompts.values() if prompt.is_open)

    @derived_from("prompts")
    def unanswered_streaks(self) -> dict[str, int]:
        """`health.unanswered_in_a_row` of everyone."""
        from domain.health import unanswered_streaks  # health reads states: no import cycle

        return unanswered_streaks(self)

    @derived_from("meetings", "term_number", "policy")
    def meeting_reasons_of_term(self) -> tuple[datetime | None, tuple["HealthReason", ...]]:
        from domain.health import meeting_reasons_of_term

        return meeting_reasons_of_term(self)

    @derived_from("checkins", "policy", "mentor_id", "mentee_id")
    def checkin_health_reasons(self) -> tuple["HealthReason", ...]:
        from domain.health import checkin_health_reasons

        return checkin_health_reasons(self)

    @derived_from(EVERY_FIELD)
    def first_due_item(self) -> "DueItem | None":
        """`schedule.first_due`."""
        from domain.schedule import earliest_due  # the schedule reads states: no import cycle

        return earliest_due(self)

    @derived_from("prompts")
    def prompt_due_item(self) -> "DueItem | None":
        """The prompts' part of `first_due_item`."""
        from domain.schedule import earliest_prompt_item

        return earliest_prompt_item(self)

    @derived_from("meetings")
    def meeting_due_item(self) -> "DueItem | None":
        """The meetings' part of `first_due_item`."""
        from domain.schedule import earliest_meeting_item

        return earliest_meeting_item(self)

    def open_prompts_of(self, *kinds: PromptKind) -> tuple[Prompt, ...]:
        return tuple(prompt for prompt in self.open_prompts if prompt.kind in kinds)

    @property
    def awaiting_response_from(self) -> tuple[str, ...]:
        waiting = {prompt.recipient_id for prompt in self.open_prompts}
        return tuple(pid for pid in self.participants if pid in waiting)

    # -- contract -----------------------------------------------------------------------------

    @property
    def contract(self) -> ContractVersion | None:
        """The version in force (signed by both), if any."""
        if self.contract_in_force is None:
            return None
        return self.contracts[self.contract_in_force - 1]

    @property
    def pending_contract(self) -> ContractVersion | None:
        """The latest version still waiting for its reviewer."""
        if self.contracts and self.contracts[-1].status == ContractStatus.PROPOSED:
            return self.contracts[-1]
        return None

    # -- meetings -----------------------------------------------------------------------------

    @property
    def pending_meeting(self) -> Meeting | None:
        return next((m for m in self.meetings if m.status in PENDING_MEETING), None)

    def meeting(self, number: int) -> Meeting:
        return self.meetings[number - 1]

    @property
    def meetings_held_in_term(self) -> int:
        return sum(
            1
            for m in self.meetings
            if m.term_number == self.term_number and m.status == MeetingStatus.HELD
        )

    # -- escalations --------------------------------------------------------------------------

    @derived_from("escalations")
    def open_escalation(self) -> Escalation | None:
        # Asked several times per step (due items, the coordinator's view); kept by every copy
        # that leaves the escalations alone.
        return next((e for e in self.escalations if e.status == EscalationStatus.OPEN), None)

    @property
    def escalation_open(self) -> bool:
        return self.open_escalation is not None

    @property
    def reporting_line_conflict_open(self) -> bool:
        """One of the pair reports to the other and nobody has decided what to do yet."""
        escalation = self.open_escalation
        return escalation is not None and HIERARCHY_CONFLICT in escalation.reasons


def latest_time(state: RelationshipState, now: datetime) -> datetime:
    """The later of `now` and the last event: event times never go backwards."""
    if state.last_event_at is None or state.last_event_at < now:
        return now
    return state.last_event_at
