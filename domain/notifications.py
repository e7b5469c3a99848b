"""Notification intents: who should hear what, derived purely from one event.

The workflow hands each intent to the notify activity, which enforces the idempotency key in
PostgreSQL; keys come from business data only, so a replay or a continue-as-new never sends
twice. Private text (decline reasons, tension notes) goes to the coordinator and nobody else.
"""

from datetime import datetime
from typing import Literal, assert_never

from pydantic import Field

from domain.assessment import HealthLevel
from domain.base import DomainModel
from domain.events import (
    BriefingAcknowledged,
    CheckInRoundOpened,
    CheckInScheduled,
    CheckInSubmitted,
    ClosingStarted,
    ConcernRaised,
    ContractCounterProposed,
    ContractingStarted,
    ContractProposed,
    ContractSigned,
    EscalationOpened,
    EscalationOverdue,
    EscalationResolved,
    Event,
    HealthAssessed,
    ManagerChangeRecorded,
    MatchAccepted,
    MatchDeclined,
    MeetingCancelled,
    MeetingHeld,
    MeetingLogSubmitted,
    MeetingMissed,
    MeetingMoveDeclined,
    MeetingMoveRequested,
    MeetingReminderDue,
    MeetingRescheduled,
    MeetingScheduled,
    ModeBecameMutual,
    MutualDeclined,
    MutualProposed,
    OnboardingStarted,
    ParticipantLeaveEnded,
    ParticipantLeaveStarted,
    ParticipantWithdrew,
    PartnersInvolved,
    PauseReminderDue,
    PauseRequested,
    PromptClosed,
    PromptExpired,
    PromptIssued,
    PromptReminderDue,
    ProposalExpired,
    RecognitionGranted,
    ReflectionSubmitted,
    RelationshipCompleted,
    RelationshipEndedEarly,
    RelationshipPaused,
    RelationshipProposed,
    RelationshipResumed,
    TermExtended,
    TermRenewed,
    WindDownStarted,
)
from domain.state import Phase, RelationshipState

DataValue = str | int | bool | None
RecipientRole = Literal["participant", "coordinator", "owner"]


class NotificationIntent(DomainModel):
    idempotency_key: str = Field(max_length=300)
    recipient_id: str
    recipient_role: RecipientRole
    template: str
    data: dict[str, DataValue]


def notifications_for(
    before: RelationshipState, event: Event, after: RelationshipState
) -> list[NotificationIntent]:
    return _build(before, event, after)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _intent(
    state: RelationshipState,
    key: str,
    recipient_id: str,
    role: RecipientRole,
    template: str,
    **data: DataValue,
) -> NotificationIntent:
    return NotificationIntent(
        idempotency_key=f"{state.relationship_id}:{key}",
        recipient_id=recipient_id,
        recipient_role=role,
        template=template,
        data={"relationship_id": state.relationship_id, **data},
    )


def _to_participants(
    state: RelationshipState, key: str, template: str, **data: DataValue
) -> list[NotificationIntent]:
    """Identical content for both people, so neither message reveals more than the other."""
    return [
        _intent(
            state,
            f"{key}:{state.role_of(pid)}",
            pid,
            "participant",
            template,
            participant_role=str(state.role_of(pid)),
            **data,
        )
        for pid in state.participants
    ]


def _to_coordinator(
    state: RelationshipState, key: str, template: str, **data: DataValue
) -> NotificationIntent:
    return _intent(
        state, f"{key}:coordinator", state.coordinator_id, "coordinator", template, **data
    )


# -- prompts and meetings ---------------------------------------------------------------------


def _prompt_issued(
    _: RelationshipState, e: PromptIssued, after: RelationshipState
) -> list[NotificationIntent]:
    prompt = e.prompt
    return [
        _intent(
            after,
            f"prompt:{prompt.prompt_id}:issued",
            prompt.recipient_id,
            "participant",
            "prompt_issued",
            prompt_id=prompt.prompt_id,
            kind=prompt.kind.value,
            due_at=_iso(prompt.due_at),
            participant_role=str(after.role_of(prompt.recipient_id)),
            meeting_number=prompt.context.meeting_number,
            checkin_round=prompt.context.checkin_round,
            contract_version=prompt.context.contract_version,
        )
    ]


def _prompt_reminder(
    _: RelationshipState, e: PromptReminderDue, after: RelationshipState
) -> list[NotificationIntent]:
    return [
        _intent(
            after,
            f"prompt:{e.prompt_id}:reminder",
            e.recipient_id,
            "participant",
            "prompt_reminder",
            prompt_id=e.prompt_id,
            kind=e.kind.value,
            due_at=_iso(e.due_at),
        )
    ]


def _meeting_reminder(
    _: RelationshipState, e: MeetingReminderDue, after: RelationshipState
) -> list[NotificationIntent]:
    # A rescheduled meeting is a new invitation and needs a key of its own.
    revision = "" if e.revision == 0 else f":rev{e.revision}"
    return _to_participants(
        after,
        f"meeting:{e.meeting_number}{revision}:reminder",
        "meeting_reminder",
        meeting_number=e.meeting_number,
        scheduled_at=_iso(e.scheduled_at),
        ends_at=_iso(e.ends_at),
        meeting_format=e.meeting_format.value,
        calendar_invite=True,
    )


# -- mediation --------------------------------------------------------------------------------


def _raised_by_label(state: RelationshipState, raised_by: str) -> str:
    role = state.role_of(raised_by)
    if role is not None:
        return str(role)
    return "coordinator" if raised_by == state.coordinator_id else raised_by


def _partners_involved(
    _: RelationshipState, e: PartnersInvolved, after: RelationshipState
) -> list[NotificationIntent]:
    # Nothing goes to the participants when a case opens (the coordinator's message is queued
    # by the escalation activity): a "mediation started" mail in the minute of a check-in would
    # name its author. Both get the same neutral message once the coordinator involves them.
    return _to_participants(after, f"{e.escalation_id}:opened", "mediation_started")


def _involved(state: RelationshipState, escalation_id: str) -> bool:
    return any(x.escalation_id == escalation_id and x.partners_involved for x in state.escalations)


def _escalation_overdue(
    _: RelationshipState, e: EscalationOverdue, after: RelationshipState
) -> list[NotificationIntent]:
    escalation = next(x for x in after.escalations if x.escalation_id == e.escalation_id)
    data: dict[str, DataValue] = {
        "escalation_id": e.escalation_id,
        "level": e.level,
        "reasons": ",".join(escalation.reasons),
        "severity": escalation.severity.value,
        "opened_at": _iso(escalation.opened_at),
        "respond_by": _iso(e.respond_by),
    }
    # The owner's message comes from the escalation activity with the updated case; the
    # coordinator is told here that the case went past them.
    return [
        _to_coordinator(after, f"{e.escalation_id}:overdue:{e.level}", "escalation_overdue", **data)
    ]


def _escalation_resolved(
    before: RelationshipState, e: EscalationResolved, after: RelationshipState
) -> list[NotificationIntent]:
    if before.phase != Phase.MEDIATION or e.resolution == "relationship_ended":
        return []
    if not _involved(before, e.escalation_id):
        return []  # they were never told of it; the outcome itself is what they notice
    return _to_participants(
        after,
        f"{e.escalation_id}:resolved",
        "mediation_resolved",
        resolution=e.resolution,
    )


def _checkin_submitted(
    before: RelationshipState, e: CheckInSubmitted, after: RelationshipState
) -> list[NotificationIntent]:
    """A tension flag that opened no case (one was open already) still reaches the coordinator."""
    if not e.tension_flag or (before.phase == Phase.ACTIVE and not before.escalation_open):
        return []
    return [
        _to_coordinator(
            after,
            f"checkin:{e.round_number}:{after.role_of(e.respondent_id)}:tension",
            "tension_flagged",
            round_number=e.round_number,
            raised_by=_raised_by_label(after, e.respondent_id),
            private_note=e.private_note,
        )
    ]


def _health_assessed(
    _: RelationshipState, e: HealthAssessed, after: RelationshipState
) -> list[NotificationIntent]:
    if e.level == e.previous_level:
        return []
    return [
        _to_coordinator(
            after,
            f"health:{e.occurred_at.isoformat()}:{e.level.value}",
            "health_changed",
            level=e.level.value,
            previous_level=e.previous_level.value,
            reasons=",".join(r.code for r in e.reasons),
            needs_attention=e.level != HealthLevel.GREEN,
        )
    ]


# -- outcomes ---------------------------------------------------------------------------------


def _match_declined(
    _: RelationshipState, e: MatchDeclined, after: RelationshipState
) -> list[NotificationIntent]:
    return [
        _to_coordinator(
            after,
            "proposal:declined",
            "match_declined",
            declined_by=str(after.role_of(e.participant_id)),
            reason=e.reason,
            rematch_requested=e.rematch_requested,
        )
    ]


def _proposal_expired(
    _: RelationshipState, e: ProposalExpired, after: RelationshipState
) -> list[NotificationIntent]:
    missing = ",".join(str(after.role_of(pid)) for pid in e.missing_consent_from)
    return [
        _to_coordinator(
            after,
            "proposal:expired",
            "proposal_expired",
            missing_consent_from=missing,
            rematch_requested=e.rematch_requested,
        )
    ]


def _contract_signed(
    _: RelationshipState, e: ContractSigned, after: RelationshipState
) -> list[NotificationIntent]:
    return _to_participants(
        after,
        f"contract:v{e.version}:signed",
        "contract_signed",
        contract_version=e.version,
        term_end=_iso(e.term_end),
    )


def _became_mutual(
    _: RelationshipState, e: ModeBecameMutual, after: RelationshipState
) -> list[NotificationIntent]:
    version = after.contract_in_force
    return _to_participants(
        after, f"mode:mutual:{e.occurred_at.isoformat()}", "mode_mutual", contract_version=version
    )


def _paused(
    _: RelationshipState, e: RelationshipPaused, after: RelationshipState
) -> list[NotificationIntent]:
    key = f"paused:{e.occurred_at.isoformat()}"
    return [
        *_to_participants(after, key, "relationship_paused", reason=e.reason),
        _to_coordinator(after, key, "relationship_paused", reason=e.reason),
    ]


def _resumed(
    _: RelationshipState, e: RelationshipResumed, after: RelationshipState
) -> list[NotificationIntent]:
    key = f"resumed:{e.occurred_at.isoformat()}"
    return [
        *_to_participants(after, key, "relationship_resumed", phase=e.resumed_to.value),
        _to_coordinator(after, key, "relationship_resumed", phase=e.resumed_to.value),
    ]


def _pause_reminder(
    _: RelationshipState, e: PauseReminderDue, after: RelationshipState
) -> list[NotificationIntent]:
    return [
        _to_coordinator(
            after,
            f"pause:{e.paused_at.isoformat()}:reminder:{e.reminder_number}",
            "pause_reminder",
            paused_at=_iso(e.paused_at),
            pause_ends_at=_iso(e.pause_ends_at),
            reason=after.pause_reason,
        )
    ]


def _term_extended(
    _: RelationshipState, e: TermExtended, after: RelationshipState
) -> list[NotificationIntent]:
    return _to_participants(
        after, f"term:extended:{e.term_end.isoformat()}", "term_extended", term_end=_iso(e.term_end)
    )


def _recognised(
    _: RelationshipState, e: RecognitionGranted, after: RelationshipState
) -> list[NotificationIntent]:
    return [
        _intent(
            after,
            f"term:{e.term_number}:recognition:{e.role}",
            e.participant_id,
            "participant",
            "recognition_granted",
            term_number=e.term_number,
            participant_role=e.role.value,
            meetings_held=e.meetings_held,
        )
    ]


def _completed(
    _: RelationshipState, e: RelationshipCompleted, after: RelationshipState
) -> list[NotificationIntent]:
    key = f"term:{e.term_number}:completed"
    return [
        *_to_participants(after, key, "relationship_completed", term_number=e.term_number),
        _to_coordinator(
            after,
            key,
            "relationship_completed",
            term_number=e.term_number,
            continue_informally=e.continue_informally,
        ),
    ]


def _ended_early(
    _: RelationshipState, e: RelationshipEndedEarly, after: RelationshipState
) -> list[NotificationIntent]:
    if e.reason == "participant_withdrew" and e.left_participant_id is not None:
        return _withdrawal_ended(e, after)
    return [
        *_to_participants(after, "ended_early", "relationship_ended", reason=e.reason),
        _to_coordinator(
            after,
            "ended_early",
            "relationship_ended",
            reason=e.reason,
            rematch_requested=e.rematch_requested,
        ),
    ]


# -- participants acting between prompts -----------------------------------------------------


def _concern_raised(
    _: RelationshipState, e: ConcernRaised, after: RelationshipState
) -> list[NotificationIntent]:
    """A concern that joined an open case reaches the coordinator, as a tension flag does."""
    return [
        _to_coordinator(
            after,
            f"{e.escalation_id}:concern:{after.role_of(e.participant_id)}:{e.occurred_at.isoformat()}",
            "concern_raised",
            escalation_id=e.escalation_id,
            raised_by=_raised_by_label(after, e.participant_id),
            private_note=e.private_note,
        )
    ]


def _pause_requested(
    _: RelationshipState, e: PauseRequested, after: RelationshipState
) -> list[NotificationIntent]:
    # Both people already heard of the pause (RelationshipPaused); the date is news to them,
    # the reason is the coordinator's alone.
    key = f"pause:{after.paused_at.isoformat() if after.paused_at else e.occurred_at.isoformat()}"
    return [
        *_to_participants(after, f"{key}:until", "pause_until", resume_at=_iso(e.resume_at)),
        _to_coordinator(
            after,
            f"{key}:requested",
            "pause_requested",
            requested_by=_raised_by_label(after, e.participant_id),
            resume_at=_iso(e.resume_at),
            private_note=e.private_note,
        ),
    ]


def _withdrew(
    _: RelationshipState, e: ParticipantWithdrew, after: RelationshipState
) -> list[NotificationIntent]:
    return [
        _to_coordinator(
            after,
            "withdrawal",
            "participant_withdrew",
            withdrawn_by=_raised_by_label(after, e.participant_id),
            private_note=e.private_note,
        )
    ]


def _move_declined(
    before: RelationshipState, e: MeetingMoveDeclined, after: RelationshipState
) -> list[NotificationIntent]:
    move = before.meeting_move
    if move is None:
        return []
    meeting = after.meeting(e.meeting_number)
    return [
        _intent(
            after,
            f"meeting:{e.meeting_number}:move:{move.scheduled_at.isoformat()}:declined",
            move.requested_by,
            "participant",
            "meeting_move_declined",
            participant_role=str(after.role_of(move.requested_by)),
            meeting_number=e.meeting_number,
            scheduled_at=_iso(meeting.scheduled_at),
            expired=e.expired,
        )
    ]


def _withdrawal_ended(
    e: RelationshipEndedEarly, after: RelationshipState
) -> list[NotificationIntent]:
    """The partner learns only that it ended and that a new match is on its way."""
    leaver = e.left_participant_id
    assert leaver is not None
    partner = after.partner_of(leaver)
    return [
        _intent(
            after,
            f"ended_early:{after.role_of(partner)}",
            partner,
            "participant",
            "relationship_ended",
            participant_role=str(after.role_of(partner)),
            reason="ended",
            rematch_offered=True,
        ),
        _intent(
            after,
            f"ended_early:{after.role_of(leaver)}",
            leaver,
            "participant",
            "relationship_left",
            participant_role=str(after.role_of(leaver)),
        ),
        _to_coordinator(
            after,
            "ended_early",
            "relationship_ended",
            reason=e.reason,
            rematch_requested=e.rematch_requested,
        ),
    ]


def _build(
    before: RelationshipState, event: Event, after: RelationshipState
) -> list[NotificationIntent]:
    match event:
        case PromptIssued():
            return _prompt_issued(before, event, after)
        case PromptReminderDue():
            return _prompt_reminder(before, event, after)
        case MeetingReminderDue():
            return _meeting_reminder(before, event, after)
        case PartnersInvolved():
            return _partners_involved(before, event, after)
        case EscalationOverdue():
            return _escalation_overdue(before, event, after)
        case EscalationResolved():
            return _escalation_resolved(before, event, after)
        case CheckInSubmitted():
            return _checkin_submitted(before, event, after)
        case HealthAssessed():
            return _health_assessed(before, event, after)
        case MatchDeclined():
            return _match_declined(before, event, after)
        case ProposalExpired():
            return _proposal_expired(before, event, after)
        case ContractSigned():
            return _contract_signed(before, event, after)
        case ModeBecameMutual():
            return _became_mutual(before, event, after)
        case RelationshipPaused():
            return _paused(before, event, after)
        case RelationshipResumed():
            return _resumed(before, event, after)
        case TermExtended():
            return _term_extended(before, event, after)
        case PauseReminderDue():
            return _pause_reminder(before, event, after)
        case RecognitionGranted():
            return _recognised(before, event, after)
        case RelationshipCompleted():
            return _completed(before, event, after)
        case RelationshipEndedEarly():
            return _ended_early(before, event, after)
        case ConcernRaised():
            return _concern_raised(before, event, after)
        case PauseRequested():
            return _pause_requested(before, event, after)
        case ParticipantWithdrew():
            return _withdrew(before, event, after)
        case MeetingMoveDeclined():
            return _move_declined(before, event, after)
        # Facts nobody needs a message about (prompts and the schedule carry their own).
        case (
            RelationshipProposed()
            # The case opens quietly: the pair hears of it only when the coordinator involves
            # them (PartnersInvolved); staff are told by the escalation case's own notices.
            | EscalationOpened()
            | MatchAccepted()
            | PromptClosed()
            | PromptExpired()
            | OnboardingStarted()
            | BriefingAcknowledged()
            | ContractingStarted()
            | ContractProposed()
            | ContractCounterProposed()
            | MeetingScheduled()
            | MeetingLogSubmitted()
            | MeetingHeld()
            | MeetingMissed()
            | MeetingRescheduled()
            | MeetingCancelled()
            | CheckInScheduled()
            | CheckInRoundOpened()
            | MutualProposed()
            | MutualDeclined()
            | ParticipantLeaveStarted()
            | ParticipantLeaveEnded()
            | ManagerChangeRecorded()
            | WindDownStarted()
            | ClosingStarted()
            | ReflectionSubmitted()
            | TermRenewed()
            # The partner's answer is asked for by the move prompt itself.
            | MeetingMoveRequested()
        ):
            return []
        case _:
            assert_never(event)
