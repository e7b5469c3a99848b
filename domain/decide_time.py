"""The clock: process everything that fell due, in order, each at its own due time."""

from collections.abc import Callable
from datetime import datetime

from domain.decide_checkins import after_mutual_consent_expired, open_checkin_round
from domain.decide_closing import after_reflection_expired
from domain.decide_contracting import after_contract_prompt_expired
from domain.decide_meetings import (
    after_meeting_log_expired,
    request_meeting_logs,
    send_meeting_reminder,
)
from domain.decide_onboarding import after_onboarding_expired
from domain.decide_participants import after_meeting_move_expired, end_requested_pause
from domain.decide_proposal import after_consent_expired
from domain.decision import Decision
from domain.events import EscalationOverdue, PauseReminderDue, PromptExpired, PromptReminderDue
from domain.prompts import Prompt, PromptKind
from domain.schedule import DueItem, DueKind, first_due
from domain.state import LAST_NOTICE_LEVEL, latest_time
from domain.steps import end_early, reassess_health, start_closing

# Every handler settles its item, so this only guards against a bug looping forever.
_MAX_ITEMS_PER_DECISION = 10_000

_AFTER_EXPIRY: dict[PromptKind, Callable[[Decision, Prompt], None]] = {
    PromptKind.CONSENT: after_consent_expired,
    PromptKind.ONBOARDING: after_onboarding_expired,
    PromptKind.CONTRACT_PROPOSAL: after_contract_prompt_expired,
    PromptKind.CONTRACT_REVIEW: after_contract_prompt_expired,
    PromptKind.MEETING_LOG: after_meeting_log_expired,
    PromptKind.CHECKIN: lambda d, p: None,
    PromptKind.MUTUAL_CONSENT: after_mutual_consent_expired,
    PromptKind.CLOSING_REFLECTION: after_reflection_expired,
    PromptKind.MEETING_MOVE: after_meeting_move_expired,
}


def run_due_items(d: Decision, until: datetime) -> None:
    for _ in range(_MAX_ITEMS_PER_DECISION):
        item = first_due(d.state)
        if item is None or item.at > until:
            d.now = latest_time(d.state, until)
            return
        # Events carry the time they fell due (never earlier than the last event).
        d.now = latest_time(d.state, item.at)
        _handle(d, item)
        reassess_health(d)
    raise RuntimeError("due items did not settle; a handler failed to make progress")


def _handle(d: Decision, item: DueItem) -> None:
    match item.kind:
        case DueKind.PROMPT_REMINDER:
            _remind(d, d.state.prompts[item.ref])
        case DueKind.PROMPT_EXPIRY:
            _expire(d, d.state.prompts[item.ref])
        case DueKind.MEETING_REMINDER:
            send_meeting_reminder(d, int(item.ref))
        case DueKind.MEETING_LOG_REQUEST:
            request_meeting_logs(d, int(item.ref))
        case DueKind.CHECKIN:
            open_checkin_round(d)
        case DueKind.ESCALATION_DEADLINE:
            _escalation_overdue(d)
        case DueKind.TERM_END:
            start_closing(d)
        case DueKind.PAUSE_REMINDER:
            _remind_about_pause(d)
        case DueKind.REQUESTED_PAUSE_END:
            end_requested_pause(d)
        case DueKind.PAUSE_LIMIT:
            # Nobody resumed or ended it: the places it holds go back to the programme.
            end_early(d, "pause_limit_reached", rematch=False)


def _remind(d: Decision, prompt: Prompt) -> None:
    d.emit(
        PromptReminderDue(
            occurred_at=d.now,
            prompt_id=prompt.prompt_id,
            recipient_id=prompt.recipient_id,
            kind=prompt.kind,
            due_at=prompt.due_at,
        )
    )


def _expire(d: Decision, prompt: Prompt) -> None:
    d.emit(
        PromptExpired(
            occurred_at=d.now,
            prompt_id=prompt.prompt_id,
            recipient_id=prompt.recipient_id,
            kind=prompt.kind,
        )
    )
    _AFTER_EXPIRY[prompt.kind](d, prompt)


def _escalation_overdue(d: Decision) -> None:
    """Level 1 goes to the owner with a new deadline; then a last notice; then the end."""
    escalation = d.state.open_escalation
    assert escalation is not None  # only open escalations have a due deadline
    if escalation.level >= LAST_NOTICE_LEVEL:
        # Nobody answered the coordinator, the owner or the last notice: a relationship left
        # in mediation for ever would hold both people's places and block the close-out.
        end_early(d, "escalation_unresolved", rematch=False)
        return
    level = escalation.level + 1
    respond_by: datetime | None = d.now + d.policy.owner_response_deadline
    if level == LAST_NOTICE_LEVEL and d.state.legacy_rules:
        respond_by = None  # histories recorded when the last notice had no deadline
    d.emit(
        EscalationOverdue(
            occurred_at=d.now,
            escalation_id=escalation.escalation_id,
            level=level,
            respond_by=respond_by,
        )
    )


def _remind_about_pause(d: Decision) -> None:
    state = d.state
    paused_at = state.paused_at or state.last_event_at
    assert paused_at is not None  # only a started, paused relationship has this item
    d.emit(
        PauseReminderDue(
            occurred_at=d.now,
            reminder_number=state.pause_reminders_sent + 1,
            paused_at=paused_at,
            pause_ends_at=paused_at + d.policy.max_pause,
        )
    )
