"""What a state derives from its prompts stays exact when a change carries it to the next state."""

from datetime import timedelta

from domain import Prompt, PromptKind, RelationshipState, evolve, initial_state
from domain.base import stale_derived
from domain.events import Event, PromptClosed, PromptExpired, PromptIssued
from domain.health import unanswered_in_a_row
from tests.domain.support import MENTEE, MENTOR, T0, start_command


def issued(number: int, recipient: str = MENTOR) -> PromptIssued:
    at = T0 + timedelta(hours=number)
    prompt = Prompt(
        prompt_id=f"checkin:{number}:{recipient}",
        recipient_id=recipient,
        kind=PromptKind.CHECKIN,
        issued_at=at,
        due_at=at + timedelta(days=3),
    )
    return PromptIssued(occurred_at=at, prompt=prompt)


def expired(number: int, recipient: str = MENTOR) -> PromptExpired:
    return PromptExpired(
        occurred_at=T0 + timedelta(days=5, hours=number),
        prompt_id=f"checkin:{number}:{recipient}",
        recipient_id=recipient,
        kind=PromptKind.CHECKIN,
    )


def answered(number: int, recipient: str = MENTOR) -> PromptClosed:
    return PromptClosed(
        occurred_at=T0 + timedelta(days=6, hours=number),
        prompt_id=f"checkin:{number}:{recipient}",
        recipient_id=recipient,
        reason="answered",
        answer_id=f"answer-{number}-{recipient}",
    )


def fold_watching(events: list[Event]) -> RelationshipState:
    """Fold like a workflow that looks at the derived values after every event, so each new
    state gets them carried over from the one before rather than computed afresh."""
    state = initial_state(start_command())
    for event in events:
        state = evolve(state, event)
        assert stale_derived(state) == []
        # Asked, so that the next event carries them over rather than leave them to a scan.
        _ = (state.open_prompts, state.unanswered_streaks)
    return state


def test_a_late_answer_to_an_older_prompt_counts_only_the_expiries_after_it() -> None:
    state = fold_watching(
        [*(issued(n) for n in range(1, 5)), expired(2), expired(3), expired(4), answered(1)]
    )
    assert unanswered_in_a_row(state, MENTOR) == 3
    state = fold_watching(
        [*(issued(n) for n in range(1, 5)), expired(2), expired(3), expired(4), answered(2)]
    )
    # Answering the second prompt at last leaves the third and fourth unanswered after it.
    assert unanswered_in_a_row(state, MENTOR) == 2
    state = fold_watching([*(issued(n) for n in range(1, 5)), expired(3), answered(1)])
    assert unanswered_in_a_row(state, MENTOR) == 1  # the second and fourth are still open


def test_an_expiry_before_a_later_answer_does_not_count() -> None:
    state = fold_watching([issued(1), issued(2), answered(2), expired(1)])
    assert unanswered_in_a_row(state, MENTOR) == 0
    assert [p.prompt_id for p in state.open_prompts] == []


def test_each_person_keeps_their_own_streak_and_open_prompts_keep_issue_order() -> None:
    state = fold_watching(
        [issued(1), issued(1, MENTEE), issued(2), issued(2, MENTEE), expired(1), expired(1, MENTEE)]
    )
    assert (unanswered_in_a_row(state, MENTOR), unanswered_in_a_row(state, MENTEE)) == (1, 1)
    assert [p.prompt_id for p in state.open_prompts] == [
        f"checkin:2:{MENTOR}",
        f"checkin:2:{MENTEE}",
    ]
