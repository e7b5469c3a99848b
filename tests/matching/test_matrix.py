"""The vectorised matrix agrees with the per-pair rules on every pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from domain.matching import matrix as matrix_module
from domain.matching.constraints import violations
from domain.matching.context import PairContext
from domain.matching.matrix import PairRules, dense_matrix
from domain.matching.model import MatchingProblem
from domain.matching.scoring import pair_score
from domain.matching.sides import split_sides
from tests.matching.strategies import problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_matrix_feasibility_and_scores_match_the_reference_rules(problem: MatchingProblem) -> None:
    sides = split_sides(problem)
    context = PairContext.of(problem)
    rules = PairRules.of(problem, sides, context)
    matrix = dense_matrix(rules)
    blocked_by = rules.blocked_by(np.arange(len(sides.mentors)), np.arange(len(sides.mentees)))
    for i, mentor in enumerate(sides.mentors):
        for j, mentee in enumerate(sides.mentees):
            broken = violations(mentor, mentee, context)
            assert bool(matrix.feasible[i, j]) == (not broken)
            assert {v for v, mask in blocked_by.items() if mask[i, j]} == set(broken)
            if not broken:
                expected = pair_score(mentor, mentee, problem.weights, problem.format)
                assert matrix.weights[i, j] == pytest.approx(expected, abs=1e-12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_scores_of_listed_pairs_are_the_very_numbers_of_the_blocks(
    problem: MatchingProblem,
) -> None:
    sides = split_sides(problem)
    rules = PairRules.of(problem, sides, PairContext.of(problem))
    matrix = dense_matrix(rules)
    rows, cols = np.nonzero(matrix.feasible)
    assert rules.pair_weights(rows, cols).tolist() == matrix.weights[rows, cols].tolist()
    every_row, every_col = np.indices(matrix.feasible.shape).reshape(2, -1)
    assert rules.pair_feasible(every_row, every_col).tolist() == matrix.feasible.ravel().tolist()
    # Any rows in any order of blocks: the same numbers again.
    chosen = np.arange(len(sides.mentors))[::2]
    weights, feasible = rules.block(chosen)
    assert weights.tolist() == matrix.weights[chosen].tolist()
    assert feasible.tolist() == matrix.feasible[chosen].tolist()
    # The float32 screen is the same scores to within a few units of float32's last digit.
    screened = np.empty(matrix.weights.shape, dtype=np.float32)
    rules.screen_block(slice(0, len(sides.mentors)), screened)
    largest = float(matrix.weights.max(initial=0.0))
    assert np.abs(screened - matrix.weights).max(initial=0.0) <= 2.0**-20 * max(largest, 1.0)


@pytest.mark.parametrize("limit", ["CATEGORY_TABLE_CELLS", "ROW_TABLE_CELLS"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_scores_match_the_reference_when_tables_are_too_large_to_keep(
    limit: str, problem: MatchingProblem
) -> None:
    """Past `CATEGORY_TABLE_CELLS`, departments are compared on their own beside a table of
    the diversity points; past `ROW_TABLE_CELLS`, blocks gather the tables cell by cell:
    the same feasibility and scores either way, and the same screen."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matrix_module, limit, 0)
        sides = split_sides(problem)
        context = PairContext.of(problem)
        rules = PairRules.of(problem, sides, context)
    matrix = dense_matrix(rules)
    for i, mentor in enumerate(sides.mentors):
        for j, mentee in enumerate(sides.mentees):
            assert bool(matrix.feasible[i, j]) == (not violations(mentor, mentee, context))
            if matrix.feasible[i, j]:
                expected = pair_score(mentor, mentee, problem.weights, problem.format)
                assert matrix.weights[i, j] == pytest.approx(expected, abs=1e-12)
    screened = np.empty(matrix.weights.shape, dtype=np.float32)
    rules.screen_block(slice(0, len(sides.mentors)), screened)
    largest = float(matrix.weights.max(initial=0.0))
    assert np.abs(screened - matrix.weights).max(initial=0.0) <= 2.0**-20 * max(largest, 1.0)
