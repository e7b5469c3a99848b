"""Escalation cases as the coordinator and the owner see them: their key and who must answer.

The relationship's events say that an escalation opened, went overdue or was resolved; the
`escalations` read table turns each into a case with a stable key and an assignee. Both rules
live here so that the projector and older workflow histories agree on them.
"""

from __future__ import annotations

from domain.state import RelationshipState

# A case opens at the coordinator's level; each missed deadline moves it one level up.
OPENING_LEVEL = 1


def escalation_key(relationship_id: str, escalation_id: str) -> str:
    """Unique across relationships (escalation ids are only unique within one)."""
    return f"{relationship_id}:{escalation_id}"


def escalation_assignee(state: RelationshipState, level: int) -> str:
    """The coordinator answers a fresh case; once it is overdue it climbs to the owner."""
    return state.coordinator_id if level <= OPENING_LEVEL else state.owner_id
