"""Closing: each person reflects; then recognition, and renewal or completion."""

from domain.decision import Decision
from domain.events import ReflectionSubmitted
from domain.prompts import ClosingReflectionAnswer, Prompt, PromptKind
from domain.state import Phase
from domain.steps import finish_closing


def answer_reflection(d: Decision, respondent_id: str, answer: ClosingReflectionAnswer) -> None:
    d.emit(
        ReflectionSubmitted(
            occurred_at=d.now,
            respondent_id=respondent_id,
            term_number=d.state.term_number,
            goals_achieved=answer.goals_achieved,
            learned=answer.learned,
            taught=answer.taught,
            continue_informally=answer.continue_informally,
            want_renewal=answer.want_renewal,
        )
    )
    reflected = {r.respondent_id for r in d.state.reflections}
    if d.state.phase == Phase.CLOSING and reflected == set(d.state.participants):
        finish_closing(d)


def after_reflection_expired(d: Decision, _: Prompt) -> None:
    # The term ends with whatever was said: a missing reflection must not block recognition.
    if d.state.phase == Phase.CLOSING and not d.state.open_prompts_of(
        PromptKind.CLOSING_REFLECTION
    ):
        finish_closing(d)
