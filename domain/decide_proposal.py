"""Proposed: both people accept the match (or one declines, or the deadline passes)."""

from datetime import datetime

from domain.commands import StartRelationship
from domain.decision import Decision
from domain.errors import DomainError, ErrorCode
from domain.events import (
    Event,
    MatchAccepted,
    MatchDeclined,
    OnboardingStarted,
    ProposalExpired,
    RelationshipProposed,
)
from domain.pair_rules import StartProblemCode, start_problems
from domain.prompt_issue import issue_consent, issue_onboarding
from domain.prompts import ConsentAnswer, Prompt, PromptKind
from domain.state import Phase, RelationshipState
from domain.steps import close_prompts


def initial_state(start: StartRelationship) -> RelationshipState:
    """The empty relationship; `decide(initial_state(s), s, now)` then proposes it."""
    return RelationshipState(
        relationship_id=start.relationship_id,
        programme_id=start.programme_id,
        mentor_id=start.mentor_id,
        mentee_id=start.mentee_id,
        coordinator_id=start.coordinator_id,
        owner_id=start.owner_id,
        policy=start.policy,
        mode=start.mode,
        mentor_availability=start.mentor_availability,
        mentee_availability=start.mentee_availability,
    )


# The same rules the HR API checks field by field (domain/pair_rules.py), in one sentence each.
_START_REFUSALS: dict[StartProblemCode, str] = {
    "same_person": "Mentor and mentee must be two people.",
    "overseer_in_pair": "The coordinator and owner cannot be in the pair they oversee.",
}


def start_relationship(
    state: RelationshipState, start: StartRelationship, now: datetime
) -> list[Event]:
    if state.started:
        raise DomainError(ErrorCode.ALREADY_STARTED, "The relationship was already proposed.")
    if start.relationship_id != state.relationship_id:
        raise DomainError(ErrorCode.INVALID_START, "The start is for a different relationship.")
    problems = start_problems(
        mentor_id=start.mentor_id,
        mentee_id=start.mentee_id,
        coordinator_id=start.coordinator_id,
        owner_id=start.owner_id,
    )
    if problems:
        raise DomainError(ErrorCode.INVALID_START, _START_REFUSALS[problems[0].code])
    d = Decision(state, now)
    d.emit(
        RelationshipProposed(
            occurred_at=now,
            relationship_id=start.relationship_id,
            programme_id=start.programme_id,
            mentor_id=start.mentor_id,
            mentee_id=start.mentee_id,
            coordinator_id=start.coordinator_id,
            owner_id=start.owner_id,
            mode=start.mode,
        )
    )
    for pid in d.state.participants:
        issue_consent(d, pid)
    return d.events


def answer_consent(d: Decision, respondent_id: str, answer: ConsentAnswer) -> None:
    if answer.decision == "decline":
        close_prompts(d, "relationship_ended")
        d.emit(MatchDeclined(occurred_at=d.now, participant_id=respondent_id, reason=answer.reason))
        return
    d.emit(MatchAccepted(occurred_at=d.now, participant_id=respondent_id))
    if d.state.phase == Phase.PROPOSED and set(d.state.accepted_by) == set(d.state.participants):
        d.emit(OnboardingStarted(occurred_at=d.now))
        for pid in d.state.participants:
            issue_onboarding(d, pid)


def after_consent_expired(d: Decision, _: Prompt) -> None:
    # Decide once the last consent question is settled, so both expiries are on record.
    if d.state.phase != Phase.PROPOSED or d.state.open_prompts_of(PromptKind.CONSENT):
        return
    missing = tuple(pid for pid in d.state.participants if pid not in d.state.accepted_by)
    if missing:
        close_prompts(d, "relationship_ended")
        d.emit(ProposalExpired(occurred_at=d.now, missing_consent_from=missing))
