"""Rules that callers outside the decider ask about: who may form a pair, where phases stand."""

from __future__ import annotations

from domain.pair_rules import start_problems
from domain.state import LIFECYCLE_ORDER, TERMINAL_PHASES, Phase, is_terminal_phase


def test_a_pair_of_two_people_under_two_others_may_start() -> None:
    assert start_problems(mentor_id="a", mentee_id="b", coordinator_id="c", owner_id="d") == []


def test_a_person_cannot_mentor_themselves() -> None:
    problems = start_problems(mentor_id="a", mentee_id="a", coordinator_id="c", owner_id="d")

    assert [(p.field, p.code) for p in problems] == [("mentee_id", "same_person")]


def test_whoever_oversees_a_pair_cannot_be_in_it() -> None:
    problems = start_problems(mentor_id="a", mentee_id="b", coordinator_id="b", owner_id="a")

    assert [(p.field, p.code) for p in problems] == [
        ("coordinator_id", "overseer_in_pair"),
        ("owner_id", "overseer_in_pair"),
    ]


def test_the_lifecycle_lists_every_phase_once_and_the_ends_last() -> None:
    assert sorted(LIFECYCLE_ORDER) == sorted(Phase)
    assert len(set(LIFECYCLE_ORDER)) == len(LIFECYCLE_ORDER)
    assert set(LIFECYCLE_ORDER[-len(TERMINAL_PHASES) :]) == TERMINAL_PHASES
    assert LIFECYCLE_ORDER[0] is Phase.PROPOSED


def test_read_tables_phases_are_terminal_exactly_when_the_domain_says_so() -> None:
    assert [p.value for p in Phase if is_terminal_phase(p.value)] == [
        "completed",
        "declined",
        "ended_early",
    ]
    assert not is_terminal_phase("active")
