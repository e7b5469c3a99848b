"""How long silence can keep a relationship open: the bounds its liveness is tested against.

Every non-terminal state has something due (see `schedule.due_items`), and every chain of
deadlines ends the relationship. These functions put numbers on that promise, so a test and
an operator can tell a slow relationship from a stuck one.
"""

from datetime import timedelta

from domain.policy import RelationshipPolicy


def escalation_bound(policy: RelationshipPolicy) -> timedelta:
    """An open escalation is resolved, or ends the relationship, within this long of opening.

    The coordinator's deadline, then the owner's, then the owner's last notice.
    """
    return policy.coordinator_response_deadline + 2 * policy.owner_response_deadline


def silent_end_bound(policy: RelationshipPolicy) -> timedelta:
    """If nobody acts any more, the relationship ends within this long after the later of now
    and its term end.

    The longest silent path is a pause that runs to its maximum, or a phase question that
    expires (consent, briefing, contract, reflection) and opens an escalation that runs its
    whole course; a pause one of the pair asked for may end (at most `max_pause` later) in
    exactly such a question. Counted generously, the sum of those deadlines.
    """
    questions = (
        policy.consent_deadline
        + policy.onboarding_deadline
        + policy.contracting_deadline
        + policy.closing_window
        + policy.meeting_log_window
        + policy.checkin_response_window
    )
    return policy.max_pause + questions + escalation_bound(policy)
