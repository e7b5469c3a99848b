"""What a notification says: subjects per prompt kind and template, and what data may be shown.

Outbox data is written by the domain; some coordinator notices carry private text (a tension
note, a decline reason). Those stay out of every e-mail body and chat message: the coordinator
reads them in the case behind the inbox link, where access is checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.prompts import PromptKind

# Free text written by a participant for the coordinator's eyes only.
PRIVATE_KEYS = frozenset({"private_note"})
PRIVATE_KEYS_BY_TEMPLATE: Mapping[str, frozenset[str]] = {
    "match_declined": frozenset({"reason"}),
    # The old address routes the notice; the mail itself need not repeat it.
    "email_changed": frozenset({"deliver_to"}),
}

PROMPT_SUBJECTS: Mapping[PromptKind, str] = {
    PromptKind.CONSENT: "You have a mentoring match: please accept or decline",
    PromptKind.ONBOARDING: "Before you start: read and acknowledge your mentoring briefing",
    PromptKind.CONTRACT_PROPOSAL: "Propose your mentoring contract: goals, cadence, ground rules",
    PromptKind.CONTRACT_REVIEW: "Review the proposed mentoring contract",
    PromptKind.MEETING_LOG: "Did your mentoring meeting happen? Log it in two minutes",
    PromptKind.CHECKIN: "Your private mentoring check-in",
    PromptKind.MUTUAL_CONSENT: "Mutual mentoring was proposed: do you agree?",
    PromptKind.CLOSING_REFLECTION: "Your closing reflection on this mentoring term",
    PromptKind.MEETING_MOVE: "Your partner asks to move your next mentoring meeting",
}

TEMPLATE_SUBJECTS: Mapping[str, str] = {
    "meeting_reminder": "Upcoming mentoring meeting #{meeting_number}",
    "contract_signed": "Your mentoring contract is signed",
    "mediation_started": "Your programme coordinator will be in touch",
    "mediation_resolved": "Your programme coordinator has followed up",
    "escalation_opened": "Action needed: a mentoring relationship needs your attention",
    "escalation_overdue": "Overdue: an escalation (level {level}) is waiting for a response",
    "tension_flagged": "A participant flagged a tension in a check-in",
    "health_changed": "Relationship health changed to {level}",
    "match_declined": "A proposed mentoring match was declined",
    "proposal_expired": "A proposed mentoring match expired",
    "mode_mutual": "Your mentoring is now mutual: learning goes both ways",
    "relationship_paused": "Your mentoring relationship is paused",
    "email_changed": "The e-mail address of your mentoring programme was changed",
    "relationship_resumed": "Your mentoring relationship has resumed",
    "pause_reminder": "A mentoring relationship is still paused: resume or end it",
    "term_extended": "Your mentoring term was extended",
    "recognition_granted": "Thank you for mentoring: your recognition",
    "relationship_completed": "Your mentoring relationship is complete",
    "relationship_ended": "Your mentoring relationship has ended",
    "relationship_left": "You have left your mentoring relationship",
    "pause_until": "Your mentoring relationship is paused for a while",
    "pause_requested": "A participant paused their mentoring relationship",
    "participant_withdrew": "A participant left their mentoring relationship",
    "concern_raised": "A participant raised a concern about an open case",
    "meeting_move_declined": "Your mentoring meeting #{meeting_number} stays at the agreed time",
}


def public_data(template: str, data: Mapping[str, Any]) -> dict[str, Any]:
    hidden = PRIVATE_KEYS | PRIVATE_KEYS_BY_TEMPLATE.get(template, frozenset())
    return {key: value for key, value in data.items() if key not in hidden}


def humanise(template: str) -> str:
    return template.replace("_", " ").strip().capitalize() or "Notification"


def subject_for(template: str, data: Mapping[str, Any]) -> str:
    prompt_subject = _prompt_subject(data.get("kind"))
    if template == "prompt_issued" and prompt_subject:
        return prompt_subject
    if template == "prompt_reminder" and prompt_subject:
        return f"Reminder: {prompt_subject[0].lower()}{prompt_subject[1:]}"
    pattern = TEMPLATE_SUBJECTS.get(template)
    if pattern is None:
        return f"twoway: {humanise(template).lower()}"
    return pattern.format_map(_Blank(public_data(template, data)))


def _prompt_subject(kind: object) -> str | None:
    try:
        return PROMPT_SUBJECTS[PromptKind(str(kind))]
    except ValueError:
        return None


class _Blank(dict[str, Any]):
    """Formats a missing key as "?" rather than failing: a subject never blocks delivery."""

    def __missing__(self, key: str) -> str:
        return "?"


def parse_moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
