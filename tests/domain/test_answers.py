from datetime import timedelta

import pytest
from pydantic import ValidationError

from domain import (
    AnswerPrompt,
    ConsentAnswer,
    DomainError,
    ErrorCode,
    MeetingLogAnswer,
    Phase,
    is_duplicate_answer,
    validate_answer,
)
from domain.prompts import CheckInAnswer
from tests.domain.support import MENTEE, MENTOR, Pair, checkin


def consent(prompt_id: str, respondent: str, answer_id: str = "a-1") -> AnswerPrompt:
    return AnswerPrompt(
        answer_id=answer_id,
        prompt_id=prompt_id,
        respondent_id=respondent,
        answer=ConsentAnswer(decision="accept"),
    )


def rejection(pair: Pair, command: AnswerPrompt) -> DomainError:
    with pytest.raises(DomainError) as error:
        validate_answer(pair.state, command, pair.now)
    with pytest.raises(DomainError):
        pair.send(command)
    return error.value


def test_answer_from_the_wrong_person_is_rejected() -> None:
    pair = Pair()
    error = rejection(pair, consent("consent:mentor", MENTEE))
    assert error.code == ErrorCode.WRONG_RESPONDENT


def test_answer_to_an_unknown_prompt_is_rejected() -> None:
    pair = Pair()
    error = rejection(pair, consent("consent:nobody", MENTOR))
    assert error.code == ErrorCode.UNKNOWN_PROMPT


def test_answer_of_the_wrong_kind_is_rejected() -> None:
    pair = Pair()
    command = AnswerPrompt(
        answer_id="a-1",
        prompt_id="consent:mentor",
        respondent_id=MENTOR,
        answer=MeetingLogAnswer(happened=True),
    )
    error = rejection(pair, command)
    assert error.code == ErrorCode.ANSWER_KIND_MISMATCH
    assert "expects a consent answer" in error.message


def test_answer_to_an_answered_prompt_is_rejected() -> None:
    pair = Pair()
    pair.send(consent("consent:mentor", MENTOR, "a-1"))
    error = rejection(pair, consent("consent:mentor", MENTOR, "a-2"))
    assert error.code == ErrorCode.PROMPT_CLOSED


def test_answer_after_the_deadline_is_rejected_even_before_the_tick() -> None:
    pair = Pair()
    pair.now += pair.state.policy.consent_deadline
    error = rejection(pair, consent("consent:mentor", MENTOR))
    assert error.code == ErrorCode.PROMPT_EXPIRED


def test_duplicate_answer_id_is_a_no_op() -> None:
    pair = Pair()
    first = pair.send(consent("consent:mentor", MENTOR, "same-id"))
    assert first
    assert is_duplicate_answer(pair.state, "same-id")

    assert pair.send(consent("consent:mentor", MENTOR, "same-id")) == []
    assert pair.state.phase == Phase.PROPOSED


def test_oversized_or_out_of_range_answers_are_rejected_by_the_models() -> None:
    with pytest.raises(ValidationError):
        ConsentAnswer(decision="decline", reason="x" * 301)
    with pytest.raises(ValidationError):
        checkin(satisfaction=6)
    with pytest.raises(ValidationError):
        CheckInAnswer.model_validate(
            {
                "satisfaction": 3,
                "goal_progress": [],
                "psychological_safety": 3,
                "focus": "on_track",
                "private_note": "y" * 2001,
                "tension_flag": True,
            }
        )


def test_checkin_must_rate_every_goal_once() -> None:
    pair = Pair()
    pair.sign_contract(goals=2, term=timedelta(hours=2))
    pair.advance_to_checkin()

    with pytest.raises(DomainError) as error:
        pair.answer("checkin:1:mentor", checkin(goals=1))
    assert "all 2 goal" in error.value.message


def test_private_note_needs_a_tension_flag() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=2))
    pair.advance_to_checkin()

    with pytest.raises(DomainError) as error:
        pair.answer("checkin:1:mentee", checkin(note="psst"))
    assert "tension flag" in error.value.message


def test_reschedule_must_be_in_the_future_and_within_the_term() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(minutes=20))
    pair.run_until_due()
    pair.run_until_due()

    for when in (pair.now - timedelta(minutes=1), pair.now + timedelta(hours=1)):
        with pytest.raises(DomainError):
            pair.answer(
                "meeting:1:log:mentor", MeetingLogAnswer(happened=False, reschedule_to=when)
            )
    with pytest.raises(DomainError):
        pair.answer(
            "meeting:1:log:mentor",
            MeetingLogAnswer(happened=True, reschedule_to=pair.now + timedelta(minutes=2)),
        )
