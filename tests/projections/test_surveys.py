"""Survey instruments as data (pure)."""

from __future__ import annotations

from domain import GoalDirection, Mode, PromptKind
from domain.prompts import CheckInAnswer, ClosingReflectionAnswer
from domain.surveys import (
    ALL_INSTRUMENTS,
    CHECKIN_V1,
    CLOSING_V1,
    QuestionType,
    questions_for,
    required_question_ids,
)
from tests.domain.support import goal

REVERSE_GOALS = (goal(1), goal(2))
MUTUAL_GOALS = (goal(1), goal(2), goal(3, GoalDirection.MENTEE_TO_MENTOR))


def test_every_question_names_a_field_of_its_answer_model() -> None:
    fields = {
        PromptKind.CHECKIN: set(CheckInAnswer.model_fields),
        PromptKind.CLOSING_REFLECTION: set(ClosingReflectionAnswer.model_fields),
    }
    for instrument in ALL_INSTRUMENTS:
        for question in instrument.questions:
            assert question.question_id in fields[instrument.prompt_kind]


def test_a_reverse_checkin_asks_about_each_goal_and_offers_to_go_mutual() -> None:
    asked = questions_for(PromptKind.CHECKIN, Mode.REVERSE, REVERSE_GOALS)
    keys = [a.key for a in asked]

    assert keys[:3] == ["satisfaction", "goal_progress:1", "goal_progress:2"]
    assert "learning_goes_both_ways" in keys
    assert {a.instrument_version for a in asked} == {CHECKIN_V1.version}
    assert required_question_ids(asked) == {
        "satisfaction",
        "goal_progress:1",
        "goal_progress:2",
        "psychological_safety",
        "focus",
    }


def test_a_mutual_checkin_asks_about_the_goals_of_both_directions() -> None:
    asked = questions_for(PromptKind.CHECKIN, Mode.MUTUAL, MUTUAL_GOALS)
    goal_questions = [a for a in asked if a.goal_number is not None]

    assert [(a.goal_number, a.goal_direction) for a in goal_questions] == [
        (1, GoalDirection.MENTOR_TO_MENTEE),
        (2, GoalDirection.MENTOR_TO_MENTEE),
        (3, GoalDirection.MENTEE_TO_MENTOR),
    ]
    assert "learning_goes_both_ways" not in {a.key for a in asked}


def test_the_closing_reflection_asks_whether_each_goal_was_achieved() -> None:
    asked = questions_for(PromptKind.CLOSING_REFLECTION, Mode.MUTUAL, MUTUAL_GOALS)
    per_goal = [a.key for a in asked if a.question.type == QuestionType.BOOLEAN]

    assert per_goal[:3] == ["goals_achieved:1", "goals_achieved:2", "goals_achieved:3"]
    assert {a.instrument_id for a in asked} == {CLOSING_V1.instrument_id}


def test_prompts_that_are_not_surveys_have_no_questions() -> None:
    assert questions_for(PromptKind.CONSENT, Mode.REVERSE) == ()
