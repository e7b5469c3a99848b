from datetime import UTC, datetime, timedelta

import pytest

from domain import (
    ANSWER_ADAPTER,
    COMMAND_ADAPTER,
    EVENT_ADAPTER,
    EVENT_LIST_ADAPTER,
    AnswerPrompt,
    ConsentAnswer,
    DomainError,
    EndRelationship,
    ErrorCode,
    OpenEscalation,
    RelationshipPolicy,
    RelationshipState,
    Tick,
    apply_all,
    decide,
    initial_state,
)
from tests.domain.support import MENTOR, T0, Pair, checkin, start_command


def test_terminal_relationship_rejects_commands_and_ignores_ticks() -> None:
    pair = Pair()
    pair.send(EndRelationship(reason="programme_cancelled"))

    assert pair.send(Tick()) == []
    for command in (OpenEscalation(), EndRelationship()):
        with pytest.raises(DomainError) as error:
            pair.send(command)
        assert error.value.code == ErrorCode.RELATIONSHIP_CLOSED


def test_commands_before_start_are_refused() -> None:
    state = initial_state(start_command())
    assert decide(state, Tick(), T0) == []
    with pytest.raises(DomainError) as error:
        decide(state, OpenEscalation(), T0)
    assert error.value.code == ErrorCode.NOT_STARTED


def test_starting_twice_is_refused() -> None:
    pair = Pair()
    with pytest.raises(DomainError) as error:
        pair.send(start_command())
    assert error.value.code == ErrorCode.ALREADY_STARTED


def test_naive_or_backwards_time_is_refused() -> None:
    pair = Pair()
    with pytest.raises(DomainError):
        decide(pair.state, Tick(), datetime(2025, 3, 3, 9, 0))
    with pytest.raises(DomainError) as error:
        decide(pair.state, Tick(), T0 - timedelta(seconds=1))
    assert error.value.code == ErrorCode.CLOCK_REGRESSED


def test_decide_never_mutates_the_state() -> None:
    pair = Pair()
    snapshot = pair.state.model_dump()
    decide(pair.state, Tick(), T0 + timedelta(days=30))
    assert pair.state.model_dump() == snapshot


def test_events_commands_and_state_round_trip_through_json() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=2))
    pair.advance_to_checkin()
    pair.answer("checkin:1:mentor", checkin(tension=True, note="private"))

    for event in pair.events:
        assert EVENT_ADAPTER.validate_json(EVENT_ADAPTER.dump_json(event)) == event
    stored = EVENT_LIST_ADAPTER.dump_json(pair.events)
    replayed = apply_all(initial_state(start_command()), EVENT_LIST_ADAPTER.validate_json(stored))
    assert replayed == pair.state
    assert RelationshipState.model_validate_json(pair.state.model_dump_json()) == pair.state

    command = AnswerPrompt(
        answer_id="a-1",
        prompt_id="consent:mentor",
        respondent_id=MENTOR,
        answer=ConsentAnswer(decision="accept"),
    )
    assert COMMAND_ADAPTER.validate_json(COMMAND_ADAPTER.dump_json(command)) == command
    assert ANSWER_ADAPTER.validate_python({"kind": "consent", "decision": "accept"}) == (
        ConsentAnswer(decision="accept")
    )


def test_every_event_carries_a_schema_version_and_a_time() -> None:
    pair = Pair()
    pair.sign_contract()
    assert all(e.schema_version == 1 for e in pair.events)
    assert all(e.occurred_at.tzinfo is UTC for e in pair.events)


def test_policy_presets_are_valid_and_fast_is_minutes() -> None:
    standard = RelationshipPolicy.standard()
    fast = RelationshipPolicy.fast()
    assert standard.default_cadence == timedelta(weeks=2)
    assert fast.default_term_length <= timedelta(hours=1)
    assert fast.max_goals == standard.max_goals == 5
    with pytest.raises(ValueError, match="positive"):
        RelationshipPolicy.fast().model_copy(update={}).model_validate(
            {**fast.model_dump(), "consent_deadline": timedelta(0)}
        )
