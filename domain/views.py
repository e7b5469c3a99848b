"""Read-only views for queries and the Temporal UI; none shows private text or who raised what."""

from collections.abc import Iterable
from datetime import datetime

from domain.assessment import HealthAssessment
from domain.events import (
    BriefingAcknowledged,
    CheckInSubmitted,
    ClosingStarted,
    ContractCounterProposed,
    ContractingStarted,
    ContractProposed,
    ContractSigned,
    EscalationOpened,
    EscalationOverdue,
    EscalationResolved,
    Event,
    HealthAssessed,
    MatchAccepted,
    MatchDeclined,
    MeetingCancelled,
    MeetingHeld,
    MeetingLogSubmitted,
    MeetingMissed,
    MeetingRescheduled,
    MeetingScheduled,
    ModeBecameMutual,
    PartnersInvolved,
    PromptExpired,
    PromptIssued,
    PromptReminderDue,
    RecognitionGranted,
    RelationshipEndedEarly,
    RelationshipPaused,
    RelationshipResumed,
    TermExtended,
    TermRenewed,
)
from domain.prompts import Prompt
from domain.schedule import next_due_at
from domain.state import MeetingStatus, Phase, RelationshipState


def pending_prompts(state: RelationshipState, person_id: str | None = None) -> list[Prompt]:
    """Open prompts, soonest deadline first; for one person when `person_id` is given."""
    prompts = [p for p in state.open_prompts if person_id is None or p.recipient_id == person_id]
    return sorted(prompts, key=lambda p: (p.due_at, p.prompt_id))


def participant_phase(state: RelationshipState) -> Phase:
    """The phase as the two people (and HR) see it.

    A case opened from one person's check-in puts the relationship in mediation at once; shown
    to the other, that change would name who raised it. So until the coordinator involves both
    (`InvolvePartners`) they keep seeing the phase the mediation started from.
    """
    escalation = state.open_escalation
    hidden = escalation is not None and not escalation.partners_involved
    if hidden and state.phase == Phase.MEDIATION and state.mediation_from is not None:
        return state.mediation_from
    return state.phase


def escalation_shown_to_participants(state: RelationshipState) -> bool:
    """An open case the coordinator has told both people about."""
    escalation = state.open_escalation
    return escalation is not None and escalation.partners_involved


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _who(state: RelationshipState, participant_id: str) -> str:
    role = state.role_of(participant_id)
    return str(role) if role is not None else "someone"


def describe_event(state: RelationshipState, event: Event) -> str:
    """One short line for a timeline, in roles rather than ids, without private content."""
    match event:
        case PromptIssued(prompt=prompt):
            text = f"asked {_who(state, prompt.recipient_id)}: {prompt.kind.value}"
        case PromptReminderDue():
            text = f"reminded {_who(state, event.recipient_id)}: {event.kind.value}"
        case PromptExpired():
            text = f"{_who(state, event.recipient_id)} did not answer: {event.kind.value}"
        case MatchAccepted() | MatchDeclined():
            verb = "accepted" if isinstance(event, MatchAccepted) else "declined"
            text = f"{_who(state, event.participant_id)} {verb} the match"
        case BriefingAcknowledged():
            text = f"{_who(state, event.participant_id)} acknowledged the briefing"
        case ContractingStarted():
            text = f"contracting started ({event.reason.value})"
        case ContractProposed() | ContractCounterProposed():
            text = f"contract v{event.version} proposed by {_who(state, event.proposed_by)}"
        case ContractSigned():
            text = f"contract v{event.version} signed by both"
        case MeetingScheduled():
            text = f"meeting {event.meeting_number} scheduled for {_when(event.scheduled_at)}"
        case MeetingRescheduled():
            text = f"meeting {event.meeting_number} moved to {_when(event.scheduled_at)}"
        case MeetingLogSubmitted():
            text = f"{_who(state, event.respondent_id)} logged meeting {event.meeting_number}"
        case MeetingHeld() | MeetingMissed() | MeetingCancelled():
            outcome = {"meeting_held": "held", "meeting_missed": "missed"}.get(
                event.type, "cancelled"
            )
            text = f"meeting {event.meeting_number} {outcome}"
        case CheckInSubmitted():
            text = f"{_who(state, event.respondent_id)} completed check-in {event.round_number}"
        case HealthAssessed():
            text = f"health {event.level.value}"
        case EscalationOpened():
            text = f"{event.escalation_id} opened ({', '.join(event.reasons)})"
        case EscalationOverdue():
            text = f"{event.escalation_id} overdue, now level {event.level}"
        case EscalationResolved():
            text = f"{event.escalation_id} resolved: {event.resolution}"
        case PartnersInvolved():
            text = "the coordinator asked to talk with you both"
        case ModeBecameMutual():
            text = "learning now goes both ways (mutual mode)"
        case RelationshipPaused():
            text = f"paused ({event.reason})"
        case RelationshipResumed():
            text = f"resumed ({event.resumed_to.value})"
        case TermExtended():
            text = f"term extended to {_when(event.term_end)}"
        case ClosingStarted() | TermRenewed():
            text = f"term {event.term_number}: {event.type.replace('_', ' ')}"
        case RecognitionGranted():
            text = f"recognition granted to {event.role.value}"
        case RelationshipEndedEarly():
            text = f"ended early ({event.reason})"
        case _:
            text = event.type.replace("_", " ")
    return f"{_when(event.occurred_at)}  {text}"


def timeline(state: RelationshipState, events: Iterable[Event] | None = None) -> list[str]:
    """Short lines, oldest first: from the given events, or rebuilt from the state's milestones.

    The workflow keeps no event list (that lives in the event store), so its query gets the
    milestones the state remembers: contracts, meetings, escalations, pauses and the outcome.
    """
    if events is not None:
        return [describe_event(state, event) for event in events]
    return [f"{_when(at)}  {text}" for at, text in sorted(_milestones(state))]


def _milestones(state: RelationshipState) -> list[tuple[datetime, str]]:
    found: list[tuple[datetime, str]] = []
    if state.proposed_at is not None:
        found.append((state.proposed_at, "relationship proposed"))
    for contract in state.contracts:
        found.append((contract.proposed_at, f"contract v{contract.version} {contract.status}"))
    for meeting in state.meetings:
        found.append((meeting.scheduled_at, f"meeting {meeting.number} {meeting.status}"))
    # Cases the two people were never told of stay out: this timeline reaches HR.
    for escalation in (e for e in state.escalations if e.partners_involved):
        found.append(
            (
                escalation.opened_at,
                f"{escalation.escalation_id} opened ({', '.join(escalation.reasons)})",
            )
        )
        if escalation.resolved_at is not None:
            found.append(
                (
                    escalation.resolved_at,
                    f"{escalation.escalation_id} resolved: {escalation.resolution}",
                )
            )
    for recognition in state.recognitions:
        found.append((recognition.granted_at, f"recognition granted to {recognition.role}"))
    if state.is_terminal and state.last_event_at is not None:
        found.append((state.last_event_at, f"{state.phase}: {state.end_reason}"))
    return found


def operator_summary(
    state: RelationshipState,
    now: datetime | None = None,
    health: HealthAssessment | None = None,
) -> str:
    """Markdown for Temporal's current details: ids and roles only, no names, no notes.

    `health` defaults to the last recorded assessment; `now` adds how far away the next
    deadline is.
    """
    health = health or state.health
    lines = [
        f"**Relationship** `{state.relationship_id}` · programme `{state.programme_id}`",
        f"**Phase:** {state.phase.value} · **Mode:** {state.mode.value} · "
        f"**Term:** {state.term_number}"
        + (f" (ends {_when(state.term_end)})" if state.term_end else ""),
        f"**Health:** {health.level.value}",
    ]
    lines += [f"- {reason.code}: {reason.detail}" for reason in health.reasons]
    due = next_due_at(state)
    lines.append(f"**Next due:** {_next_due_text(due, now)}")
    waiting = [_who(state, pid) for pid in state.awaiting_response_from]
    lines.append(f"**Awaiting response from:** {', '.join(waiting) or 'nobody'}")
    held = sum(1 for m in state.meetings if m.status == MeetingStatus.HELD)
    missed = sum(1 for m in state.meetings if m.status == MeetingStatus.MISSED)
    lines.append(f"**Meetings:** {held} held · {missed} missed")
    escalation = state.open_escalation
    if escalation is not None:
        respond_by = _when(escalation.respond_by) if escalation.respond_by else "overdue"
        lines.append(
            f"**Open escalation:** {escalation.escalation_id} · level {escalation.level} · "
            f"{escalation.severity.value} · {', '.join(escalation.reasons)} · "
            f"respond by {respond_by}"
        )
    if state.phase == Phase.PAUSED:
        lines.append(f"**Paused:** {state.pause_reason} (resumes to {state.paused_from})")
    if state.end_reason:
        lines.append(
            f"**Outcome:** {state.end_reason} · rematch requested: {state.rematch_requested}"
        )
    return "\n".join(lines)


def _next_due_text(due: datetime | None, now: datetime | None) -> str:
    if due is None:
        return "nothing scheduled"
    if now is None:
        return _when(due)
    minutes = max(int((due - now).total_seconds() // 60), 0)
    return f"{_when(due)} (in {minutes // 1440}d {minutes // 60 % 24}h {minutes % 60}m)"
