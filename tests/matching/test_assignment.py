"""The proposal never breaks a hard constraint, and it is the true optimum."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.matching.assignment import match
from domain.matching.constraints import violations
from domain.matching.context import PairContext
from domain.matching.greedy import greedy_pairs
from domain.matching.matrix import build_matrix
from domain.matching.model import Candidate, MatchingProblem
from domain.matching.scoring import pair_score
from domain.matching.sides import split_sides
from tests.matching.brute_force import brute_force_optimum
from tests.matching.strategies import problems

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_no_proposed_pair_breaks_a_hard_constraint(problem: MatchingProblem) -> None:
    result = match(problem)
    people = {c.person_id: c for c in problem.candidates}
    context = PairContext.of(problem)
    for pair in result.pairs:
        assert violations(people[pair.mentor_id], people[pair.mentee_id], context) == ()


@SETTINGS
@given(problems())
def test_nobody_is_given_more_pairs_than_places_and_no_pair_twice(problem: MatchingProblem) -> None:
    result = match(problem)
    sides = split_sides(problem)
    places = dict(zip((c.person_id for c in sides.mentors), sides.mentor_capacity, strict=True))
    places.update(zip((c.person_id for c in sides.mentees), sides.mentee_capacity, strict=True))
    load = Counter([p.mentor_id for p in result.pairs] + [p.mentee_id for p in result.pairs])
    assert all(load[person] <= places[person] for person in load)
    keys = [(p.mentor_id, p.mentee_id) for p in result.pairs]
    assert len(keys) == len(set(keys))


@SETTINGS
@given(problems(max_people=6))
def test_total_score_equals_the_brute_force_optimum(problem: MatchingProblem) -> None:
    assert match(problem).total_score == pytest.approx(brute_force_optimum(problem), abs=1e-9)


@SETTINGS
@given(problems())
def test_each_pair_explains_its_score_and_each_unmatched_person_has_a_reason(
    problem: MatchingProblem,
) -> None:
    result = match(problem)
    people = {c.person_id: c for c in problem.candidates}
    for pair in result.pairs:
        assert sum(c.points for c in pair.contributions) == pytest.approx(pair.score)
        expected = pair_score(
            people[pair.mentor_id], people[pair.mentee_id], problem.weights, problem.format
        )
        assert pair.score == pytest.approx(expected)
    paired = {p.mentor_id for p in result.pairs} | {p.mentee_id for p in result.pairs}
    for person in result.unmatched:
        assert person.person_id not in paired
        assert person.reasons


@SETTINGS
@given(problems(), st.randoms())
def test_the_roster_order_does_not_change_the_proposal(
    problem: MatchingProblem, rng: random.Random
) -> None:
    shuffled = list(problem.candidates)
    rng.shuffle(shuffled)
    again = problem.model_copy(update={"candidates": tuple(shuffled)})
    assert match(again) == match(problem)


def test_capacity_above_one_on_both_sides_never_pairs_the_same_two_twice() -> None:
    people = [
        Candidate(
            person_id=pid,
            department=pid,
            languages=("en",),
            career_level=level,
            role_preference=role,
            capacity=2,
        )
        for pid, level, role in (("m1", 1, "mentor"), ("e1", 5, "mentee"))
    ]
    result = match(MatchingProblem(candidates=tuple(people)))
    assert [(p.mentor_id, p.mentee_id) for p in result.pairs] == [("m1", "e1")]
    assert result.method == "milp"


@SETTINGS
@given(problems())
def test_the_optimum_is_never_below_the_greedy_baseline(problem: MatchingProblem) -> None:
    sides = split_sides(problem)
    matrix = build_matrix(problem, sides, PairContext.of(problem))
    greedy = greedy_pairs(
        matrix,
        np.array(sides.mentor_capacity, dtype=np.int64),
        np.array(sides.mentee_capacity, dtype=np.int64),
    )
    greedy_total = sum(float(matrix.weights[i, j]) for i, j in greedy)
    assert match(problem).total_score >= greedy_total - 1e-9
