"""Survey instruments as data: what a check-in or a closing reflection asks, versioned.

The web inbox renders its forms from these definitions and the answer models in `prompts.py`
validate what comes back, so every `question_id` names a field of the matching answer model
(`CheckInAnswer`, `ClosingReflectionAnswer`). Changing a question means a new instrument version;
answers already stored keep meaning what they meant when they were given.
"""

from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field

from domain.base import DomainModel
from domain.contract import Goal, GoalDirection
from domain.prompts import Focus, PromptKind
from domain.state import Mode


class QuestionType(StrEnum):
    SCALE = "scale"  # an integer from scale_min to scale_max
    CHOICE = "choice"  # one of `choices`
    BOOLEAN = "boolean"
    TEXT = "text"  # free text up to max_length
    GOALS = "goals"  # a list of new goals (description, success measure)


class AppliesTo(StrEnum):
    REVERSE = "reverse"
    MUTUAL = "mutual"
    BOTH = "both"

    def includes(self, mode: Mode) -> bool:
        return self == AppliesTo.BOTH or self.value == mode.value


class Question(DomainModel):
    question_id: str = Field(pattern=r"^[a-z][a-z_]{0,59}$")
    text: str = Field(max_length=200)
    type: QuestionType
    required: bool
    applies_to: AppliesTo = AppliesTo.BOTH
    # Asked once per contract goal (the goal's number and direction come with each copy).
    per_goal: bool = False
    scale_min: int | None = None
    scale_max: int | None = None
    # Labels of the two ends of a scale, for the form.
    scale_labels: tuple[str, str] | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None


class Instrument(DomainModel):
    instrument_id: str
    version: int = Field(ge=1)
    prompt_kind: PromptKind
    questions: tuple[Question, ...]


class AskedQuestion(DomainModel):
    """One question as a person sees it: goal questions are expanded, one per goal."""

    instrument_id: str
    instrument_version: int
    question: Question
    goal_number: int | None = None
    goal_direction: GoalDirection | None = None

    @property
    def key(self) -> str:
        """Unique within one form: `satisfaction`, `goal_progress:2`."""
        if self.goal_number is None:
            return self.question.question_id
        return f"{self.question.question_id}:{self.goal_number}"


def _scale(question_id: str, text: str, low: str, high: str) -> Question:
    return Question(
        question_id=question_id,
        text=text,
        type=QuestionType.SCALE,
        required=True,
        scale_min=1,
        scale_max=5,
        scale_labels=(low, high),
    )


CHECKIN_V1 = Instrument(
    instrument_id="checkin",
    version=1,
    prompt_kind=PromptKind.CHECKIN,
    questions=(
        _scale("satisfaction", "How satisfied are you with the relationship?", "not", "very"),
        Question(
            question_id="goal_progress",
            text="How much progress has this goal made?",
            type=QuestionType.SCALE,
            required=True,
            per_goal=True,
            scale_min=1,
            scale_max=5,
            scale_labels=("none", "achieved"),
        ),
        _scale(
            "psychological_safety",
            "How safe do you feel to speak openly with your partner?",
            "not safe",
            "completely safe",
        ),
        Question(
            question_id="focus",
            text="Do your meetings stay on the goals you agreed?",
            type=QuestionType.CHOICE,
            required=True,
            choices=tuple(focus.value for focus in Focus),
        ),
        Question(
            question_id="tension_flag",
            text="Is there a tension you would like the coordinator to help with?",
            type=QuestionType.BOOLEAN,
            required=False,
        ),
        Question(
            question_id="private_note",
            text="A note for the coordinator only (never shown to your partner).",
            type=QuestionType.TEXT,
            required=False,
            max_length=2000,
        ),
        # Only a reverse pair can propose to become mutual; a mutual pair already is.
        Question(
            question_id="learning_goes_both_ways",
            text="Are you also learning from each other the other way round?",
            type=QuestionType.BOOLEAN,
            required=False,
            applies_to=AppliesTo.REVERSE,
        ),
        Question(
            question_id="other_direction_goals",
            text="If so, what could the senior partner teach? (goals for the other direction)",
            type=QuestionType.GOALS,
            required=False,
            applies_to=AppliesTo.REVERSE,
        ),
    ),
)

CLOSING_V1 = Instrument(
    instrument_id="closing_reflection",
    version=1,
    prompt_kind=PromptKind.CLOSING_REFLECTION,
    questions=(
        Question(
            question_id="goals_achieved",
            text="Was this goal achieved?",
            type=QuestionType.BOOLEAN,
            required=True,
            per_goal=True,
        ),
        Question(
            question_id="learned",
            text="What did you learn?",
            type=QuestionType.TEXT,
            required=False,
            max_length=2000,
        ),
        Question(
            question_id="taught",
            text="What did you teach?",
            type=QuestionType.TEXT,
            required=False,
            max_length=2000,
        ),
        Question(
            question_id="continue_informally",
            text="Would you like to keep meeting informally?",
            type=QuestionType.BOOLEAN,
            required=True,
        ),
        Question(
            question_id="want_renewal",
            text="Would you like a new term with the same partner?",
            type=QuestionType.BOOLEAN,
            required=True,
        ),
    ),
)

# The instrument currently asked for each prompt kind that is a survey.
CURRENT_INSTRUMENTS: dict[PromptKind, Instrument] = {
    PromptKind.CHECKIN: CHECKIN_V1,
    PromptKind.CLOSING_REFLECTION: CLOSING_V1,
}
ALL_INSTRUMENTS: tuple[Instrument, ...] = (CHECKIN_V1, CLOSING_V1)


def instrument_for(kind: PromptKind) -> Instrument | None:
    """The survey asked for prompts of `kind`, or None when that prompt is not a survey."""
    return CURRENT_INSTRUMENTS.get(kind)


def goal_directions(mode: Mode) -> tuple[GoalDirection, ...]:
    # Mutual pairs learn both ways, so their surveys ask about the goals of both directions.
    if mode == Mode.MUTUAL:
        return (GoalDirection.MENTOR_TO_MENTEE, GoalDirection.MENTEE_TO_MENTOR)
    return (GoalDirection.MENTOR_TO_MENTEE,)


def questions_for(
    kind: PromptKind, mode: Mode, goals: Sequence[Goal] = ()
) -> tuple[AskedQuestion, ...]:
    """The questions a person answers for a prompt of `kind`, in order.

    `goals` are the goals of the contract in force, in contract order: goal numbers are their
    1-based positions there, as the answer models expect.
    """
    instrument = instrument_for(kind)
    if instrument is None:
        return ()
    directions = goal_directions(mode)
    asked: list[AskedQuestion] = []
    for question in instrument.questions:
        if not question.applies_to.includes(mode):
            continue
        if not question.per_goal:
            asked.append(_asked(instrument, question))
            continue
        asked.extend(
            _asked(instrument, question, number, goal.direction)
            for number, goal in enumerate(goals, start=1)
            if goal.direction in directions
        )
    return tuple(asked)


def required_question_ids(asked: Sequence[AskedQuestion]) -> frozenset[str]:
    """Ids the form must not submit without (`goal_progress:2` for the second goal)."""
    return frozenset(a.key for a in asked if a.question.required)


def _asked(
    instrument: Instrument,
    question: Question,
    goal_number: int | None = None,
    direction: GoalDirection | None = None,
) -> AskedQuestion:
    return AskedQuestion(
        instrument_id=instrument.instrument_id,
        instrument_version=instrument.version,
        question=question,
        goal_number=goal_number,
        goal_direction=direction,
    )
