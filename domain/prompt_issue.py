"""Issuing prompts: readable, deterministic ids and deadlines taken from the policy."""

from datetime import datetime, timedelta

from domain.contract import ContractVersion
from domain.decision import Decision
from domain.events import PromptIssued
from domain.prompts import Prompt, PromptContext, PromptKind
from domain.schedule import reminder_time
from domain.state import Meeting, RelationshipState


def unique_prompt_id(state: RelationshipState, base_id: str) -> str:
    """Re-asking (after a pause, a reschedule, a new term) gets `base:2`, `base:3`, ..."""
    if base_id not in state.prompts:
        return base_id
    n = 2
    while f"{base_id}:{n}" in state.prompts:
        n += 1
    return f"{base_id}:{n}"


def issue_prompt(
    d: Decision,
    base_id: str,
    recipient_id: str,
    kind: PromptKind,
    due_at: datetime,
    context: PromptContext | None = None,
) -> Prompt:
    prompt = Prompt(
        prompt_id=unique_prompt_id(d.state, base_id),
        recipient_id=recipient_id,
        kind=kind,
        issued_at=d.now,
        due_at=due_at,
        remind_at=reminder_time(d.now, due_at, d.policy.prompt_reminder_lead),
        context=context or PromptContext(term_number=d.state.term_number),
    )
    d.emit(PromptIssued(occurred_at=d.now, prompt=prompt))
    return prompt


def _role(d: Decision, participant_id: str) -> str:
    return str(d.state.role_of(participant_id))


def _within(d: Decision, window: timedelta) -> datetime:
    return d.now + window


def issue_consent(d: Decision, participant_id: str) -> None:
    issue_prompt(
        d,
        f"consent:{_role(d, participant_id)}",
        participant_id,
        PromptKind.CONSENT,
        _within(d, d.policy.consent_deadline),
    )


def issue_onboarding(d: Decision, participant_id: str) -> None:
    issue_prompt(
        d,
        f"onboarding:{_role(d, participant_id)}",
        participant_id,
        PromptKind.ONBOARDING,
        _within(d, d.policy.onboarding_deadline),
    )


def issue_contract_proposal(d: Decision) -> None:
    """The mentor drafts: the junior sets the agenda, which is the point of reverse mentoring."""
    version = len(d.state.contracts) + 1
    context = PromptContext(term_number=d.state.term_number, contract_version=version)
    issue_prompt(
        d,
        f"contract:v{version}:propose:mentor",
        d.state.mentor_id,
        PromptKind.CONTRACT_PROPOSAL,
        _within(d, d.policy.contracting_deadline),
        context,
    )


def issue_contract_review(d: Decision, contract: ContractVersion) -> None:
    reviewer = d.state.partner_of(contract.proposed_by)
    context = PromptContext(term_number=d.state.term_number, contract_version=contract.version)
    issue_prompt(
        d,
        f"contract:v{contract.version}:review:{_role(d, reviewer)}",
        reviewer,
        PromptKind.CONTRACT_REVIEW,
        _within(d, d.policy.contracting_deadline),
        context,
    )


def issue_meeting_logs(d: Decision, meeting: Meeting) -> None:
    context = PromptContext(
        term_number=meeting.term_number,
        meeting_number=meeting.number,
        meeting_scheduled_at=meeting.scheduled_at,
    )
    due_at = meeting.ends_at + d.policy.meeting_log_window
    for pid in d.state.participants:
        base_id = f"meeting:{meeting.number}:log:{_role(d, pid)}"
        issue_prompt(d, base_id, pid, PromptKind.MEETING_LOG, due_at, context)


def issue_checkins(d: Decision, round_number: int) -> None:
    context = PromptContext(term_number=d.state.term_number, checkin_round=round_number)
    due_at = _within(d, d.policy.checkin_response_window)
    for pid in d.state.participants:
        base_id = f"checkin:{round_number}:{_role(d, pid)}"
        issue_prompt(d, base_id, pid, PromptKind.CHECKIN, due_at, context)


def issue_mutual_consent(d: Decision, recipient_id: str) -> None:
    issue_prompt(
        d,
        f"mutual:consent:{_role(d, recipient_id)}",
        recipient_id,
        PromptKind.MUTUAL_CONSENT,
        _within(d, d.policy.consent_deadline),
    )


def issue_meeting_move(d: Decision, recipient_id: str, meeting: Meeting, to: datetime) -> None:
    """Ask the partner to confirm a new time; unanswered by the meeting itself, it stands."""
    context = PromptContext(
        term_number=meeting.term_number,
        meeting_number=meeting.number,
        meeting_scheduled_at=meeting.scheduled_at,
        proposed_at=to,
    )
    due_at = min(_within(d, d.policy.consent_deadline), meeting.scheduled_at, to)
    issue_prompt(
        d,
        f"meeting:{meeting.number}:move:{_role(d, recipient_id)}",
        recipient_id,
        PromptKind.MEETING_MOVE,
        due_at,
        context,
    )


def issue_reflection(d: Decision, participant_id: str) -> None:
    issue_prompt(
        d,
        f"closing:reflection:{_role(d, participant_id)}",
        participant_id,
        PromptKind.CLOSING_REFLECTION,
        _within(d, d.policy.closing_window),
    )
