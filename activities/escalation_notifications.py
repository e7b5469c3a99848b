"""Outbox messages that escalations send.

They carry identifiers, severity and deadlines only: the private note stays in the case, which
the coordinator opens from the message, because outbox data ends up in e-mails.
"""

from __future__ import annotations

from activities.models import EscalationCase
from store.escalations import CaseFacts, EscalationRow, NewEscalation
from store.outbox import OutboxMessage

ESCALATION_OPENED = "escalation_opened"
ESCALATION_OVERDUE = "escalation_overdue"


def opened_key(escalation_key: str) -> str:
    return f"{escalation_key}:opened"


def overdue_key(escalation_key: str, level: int) -> str:
    return f"{escalation_key}:overdue:{level}"


def escalation_opened(case: EscalationCase | NewEscalation) -> OutboxMessage:
    return _message(case, opened_key(case.escalation_key), "coordinator", ESCALATION_OPENED)


def escalation_overdue(case: EscalationRow) -> OutboxMessage:
    return _message(case, overdue_key(case.escalation_key, case.level), "owner", ESCALATION_OVERDUE)


def _message(case: EscalationCase | CaseFacts, key: str, role: str, template: str) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=key,
        relationship_id=case.relationship_id,
        recipient_id=case.assigned_to,
        recipient_role=role,
        template=template,
        data={
            "escalation_key": case.escalation_key,
            "relationship_id": case.relationship_id,
            "programme_id": case.programme_id,
            "severity": case.severity,
            "level": case.level,
            "reason_codes": ",".join(case.reason_codes),
            "respond_by": case.respond_by.isoformat(),
        },
    )
