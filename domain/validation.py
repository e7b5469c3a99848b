"""Checks an answer before anything happens, so bad input never reaches history.

The workflow's update validator calls `validate_answer`; `decide` calls it again (the state may
have moved on between the two).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from domain.commands import AnswerPrompt
from domain.contract import ContractTerms, Goal, GoalDirection
from domain.errors import DomainError, ErrorCode
from domain.prompts import (
    Answer,
    BriefingSection,
    CheckInAnswer,
    ClosingReflectionAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    MeetingLogAnswer,
    MeetingMoveAnswer,
    MutualConsentAnswer,
    OnboardingAnswer,
    Prompt,
    PromptStatus,
)
from domain.slots import cadence_in_weeks, slot_fits
from domain.state import MeetingStatus, Mode, RelationshipState


def is_duplicate_answer(state: RelationshipState, answer_id: str) -> bool:
    return answer_id in state.processed_answer_ids


def require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise DomainError(ErrorCode.NAIVE_TIME, "Times must carry a time zone (use UTC).")


def require_open_relationship(state: RelationshipState) -> None:
    if not state.started:
        raise DomainError(ErrorCode.NOT_STARTED, "The relationship has not started yet.")
    if state.is_terminal:
        raise DomainError(
            ErrorCode.RELATIONSHIP_CLOSED,
            f"The relationship is {state.phase.value}; it accepts no further changes.",
        )


def validate_answer(state: RelationshipState, command: AnswerPrompt, now: datetime) -> None:
    """Raise `DomainError` with a message for the person if this answer cannot be taken."""
    require_aware(now)
    require_open_relationship(state)
    prompt = _answerable_prompt(state, command, now)
    _validate_content(state, prompt, command.answer, now)


def _answerable_prompt(state: RelationshipState, command: AnswerPrompt, now: datetime) -> Prompt:
    prompt = state.prompts.get(command.prompt_id)
    if prompt is None:
        raise DomainError(ErrorCode.UNKNOWN_PROMPT, f"There is no prompt '{command.prompt_id}'.")
    if prompt.status == PromptStatus.EXPIRED or (prompt.is_open and prompt.due_at <= now):
        raise DomainError(
            ErrorCode.PROMPT_EXPIRED, f"The deadline for '{prompt.prompt_id}' has passed."
        )
    if not prompt.is_open:
        raise DomainError(
            ErrorCode.PROMPT_CLOSED,
            f"'{prompt.prompt_id}' is {prompt.status.value} and takes no more answers.",
        )
    if command.respondent_id != prompt.recipient_id:
        raise DomainError(
            ErrorCode.WRONG_RESPONDENT,
            "This prompt was sent to someone else; only they can answer.",
        )
    if command.answer.kind != prompt.kind.value:
        raise DomainError(
            ErrorCode.ANSWER_KIND_MISMATCH,
            f"'{prompt.prompt_id}' expects a {prompt.kind.value} answer, "
            f"not {command.answer.kind}.",
        )
    return prompt


def _invalid(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_ANSWER, message)


def _validate_content(
    state: RelationshipState, prompt: Prompt, answer: Answer, now: datetime
) -> None:
    if isinstance(answer, OnboardingAnswer):
        _validate_onboarding(answer)
    elif isinstance(answer, ContractProposalAnswer):
        validate_terms(state, answer.terms, now)
    elif isinstance(answer, ContractReviewAnswer):
        _validate_review(state, answer, now)
    elif isinstance(answer, MeetingLogAnswer):
        _validate_meeting_log(state, prompt, answer, now)
    elif isinstance(answer, CheckInAnswer):
        _validate_checkin(state, answer)
    elif isinstance(answer, MutualConsentAnswer):
        _validate_mutual(state, answer)
    elif isinstance(answer, MeetingMoveAnswer):
        move = state.meeting_move
        if move is None or move.meeting_number != prompt.context.meeting_number:
            raise DomainError(ErrorCode.PROMPT_CLOSED, "This meeting move is no longer open.")
    elif isinstance(answer, ClosingReflectionAnswer):
        _check_goal_numbers(state, (o.goal_number for o in answer.goals_achieved))


def _validate_onboarding(answer: OnboardingAnswer) -> None:
    if answer.is_legacy:
        _validate_legacy_onboarding(answer)
        return
    missing = [
        section.value.replace("_", " ")
        for section in BriefingSection
        if not answer.acknowledged(section)
    ]
    if missing:
        raise _invalid(f"Please acknowledge every part of the briefing: {', '.join(missing)}.")


def _validate_legacy_onboarding(answer: OnboardingAnswer) -> None:
    """The four-checkbox briefing of earlier histories: still valid, so they keep replaying."""
    missing = [
        label
        for label, given in (
            ("roles", answer.understands_roles),
            ("responsibilities", answer.understands_responsibilities),
            ("rapport", answer.commits_to_rapport),
            ("confidentiality", answer.accepts_confidentiality),
        )
        if not given
    ]
    if missing:
        raise _invalid(f"Please acknowledge every part of the briefing: {', '.join(missing)}.")


def _validate_review(state: RelationshipState, answer: ContractReviewAnswer, now: datetime) -> None:
    if answer.decision == "accept" and answer.counter_terms is not None:
        raise _invalid("Accepting a contract takes no counter-proposal; choose 'counter' instead.")
    if answer.decision == "counter":
        if answer.counter_terms is None:
            raise _invalid("A counter-proposal needs the terms you propose instead.")
        validate_terms(state, answer.counter_terms, now)


def _validate_meeting_log(
    state: RelationshipState, prompt: Prompt, answer: MeetingLogAnswer, now: datetime
) -> None:
    if answer.reschedule_to is None:
        return
    if answer.happened:
        raise _invalid("A meeting that happened cannot also be rescheduled.")
    number = prompt.context.meeting_number
    if number is None or state.meeting(number).status != MeetingStatus.AWAITING_LOG:
        raise _invalid("This meeting can no longer be rescheduled.")
    if not state.meetings_run:
        # Paused, or the contract being amended: meetings start again on their own schedule
        # when they run again, not at a time picked while they are on hold.
        raise _invalid(
            "Meetings are on hold, so this one cannot be moved; say whether it happened."
        )
    contract = state.contract
    if answer.reschedule_to <= now:
        raise _invalid("The new meeting time must be in the future.")
    if contract is None or state.term_end is None:
        raise _invalid("There is no contract in force to schedule meetings under.")
    if answer.reschedule_to + contract.terms.meeting_length > state.term_end:
        raise _invalid("The new meeting time must fall before the end of the term.")


def _validate_checkin(state: RelationshipState, answer: CheckInAnswer) -> None:
    _check_goal_numbers(state, (p.goal_number for p in answer.goal_progress), require_all=True)
    if answer.private_note is not None and not answer.tension_flag:
        raise _invalid("A private note goes to the coordinator with a tension flag; set it too.")
    if answer.other_direction_goals and not answer.learning_goes_both_ways:
        raise _invalid("Goals for the other direction only make sense if learning goes both ways.")
    check_other_direction(state, answer.other_direction_goals)


def _validate_mutual(state: RelationshipState, answer: MutualConsentAnswer) -> None:
    if not answer.consent:
        if answer.goals:
            raise _invalid("Goals only come with consent.")
        return
    check_other_direction(state, answer.goals)
    proposal = state.mutual_proposal
    proposed = proposal.goals if proposal is not None else ()
    combined = len(proposed) + len(answer.goals)
    if combined == 0:
        raise _invalid("Name at least one goal for the senior-to-junior direction.")
    if combined > state.policy.max_goals:
        raise _invalid(
            f"Together the goals for the other direction exceed {state.policy.max_goals}."
        )


def check_other_direction(state: RelationshipState, goals: Iterable[Goal]) -> None:
    goals = tuple(goals)
    if any(goal.direction != GoalDirection.MENTEE_TO_MENTOR for goal in goals):
        raise _invalid("Goals for the other direction must be mentee_to_mentor.")
    if len(goals) > state.policy.max_goals:
        raise _invalid(f"At most {state.policy.max_goals} goals per direction.")


def _check_goal_numbers(
    state: RelationshipState, numbers: Iterable[int], *, require_all: bool = False
) -> None:
    contract = state.contract
    goal_count = len(contract.terms.goals) if contract is not None else 0
    seen = list(numbers)
    if len(set(seen)) != len(seen):
        raise _invalid("Each goal may be answered once.")
    if any(n > goal_count for n in seen):
        raise _invalid(f"The contract has {goal_count} goal(s); goal numbers start at 1.")
    if require_all and len(seen) != goal_count:
        raise _invalid(f"Please rate progress on all {goal_count} goal(s).")


def validate_terms(state: RelationshipState, terms: ContractTerms, now: datetime) -> None:
    """Cross-field rules the model alone cannot know (policy limits, mode, the clock)."""

    def invalid(message: str) -> DomainError:
        return DomainError(ErrorCode.INVALID_CONTRACT, message)

    max_goals = state.policy.max_goals
    forward = len(terms.goals_in(GoalDirection.MENTOR_TO_MENTEE))
    backward = len(terms.goals_in(GoalDirection.MENTEE_TO_MENTOR))
    if not 1 <= forward <= max_goals:
        raise invalid(f"Name 1 to {max_goals} goals for what the mentor teaches (got {forward}).")
    if state.mode == Mode.REVERSE and backward:
        raise invalid("Goals for the mentee teaching the mentor need mutual mode first.")
    if state.mode == Mode.MUTUAL and not 1 <= backward <= max_goals:
        raise invalid(f"Mutual mode needs 1 to {max_goals} goals in the other direction.")
    if terms.meeting_length <= timedelta(0):
        raise invalid("Meetings need a positive length.")
    if terms.cadence <= terms.meeting_length:
        raise invalid("The cadence must be longer than a meeting.")
    if terms.term_end <= now + terms.cadence:
        raise invalid("The term must end after now, with room for at least one meeting.")
    _validate_slot(state, terms, now)


def _validate_slot(state: RelationshipState, terms: ContractTerms, now: datetime) -> None:
    """A slot must suit both people in every week of the term (`domain/slots.py`)."""
    slot = terms.slot
    if slot is None:
        return
    if cadence_in_weeks(terms.cadence) is None:
        raise DomainError(
            ErrorCode.INVALID_CONTRACT,
            "A weekly meeting slot needs a cadence of whole weeks (every 1, 2, 3 ... weeks).",
        )
    if not slot_fits(slot, terms.meeting_length, state.availabilities, now, terms.term_end):
        raise DomainError(
            ErrorCode.INVALID_CONTRACT,
            "That meeting time falls outside the working hours of one of you in some week of"
            " the term (clock changes included); pick one of the offered slots.",
        )
