"""The vectorised matrix agrees with the per-pair rules on every pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.matching import matrix as matrix_module
from domain.matching.constraints import violations
from domain.matching.context import PairContext
from domain.matching.matrix import PairRules, dense_matrix
from domain.matching.model import Candidate, MatchingProblem, RolePreference
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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_people=12), st.integers(1, 4))
def test_screening_block_after_block_through_reused_buffers_gives_the_same_numbers(
    problem: MatchingProblem, rows_per_block: int
) -> None:
    """The sweep hands every block the same buffers (sized for its largest block, the last
    one may be smaller): what an earlier block left in them changes nothing."""
    sides = split_sides(problem)
    rules = PairRules.of(problem, sides, PairContext.of(problem))
    height, width = rules.shape
    at_once = np.empty((height, width), dtype=np.float32)
    rules.screen_block(slice(0, height), at_once)
    by_blocks = np.empty((height, width), dtype=np.float32)
    work = rules.screen_work(rows_per_block)
    for first in range(0, height, rows_per_block):
        size = min(rows_per_block, height - first)
        rules.screen_block(slice(first, first + size), by_blocks[first : first + size], work)
    assert by_blocks.tobytes() == at_once.tobytes()


def test_keys_are_numbered_in_order_of_first_appearance() -> None:
    codes, distinct = matrix_module._codes(iter(["b", "a", "b", "c", "a", "a"]), 6)
    assert codes.tolist() == [0, 1, 0, 2, 1, 1]
    assert distinct == ["b", "a", "c"]
    codes, distinct = matrix_module._codes(iter([]), 0)
    assert codes.tolist() == []
    assert distinct == []


def test_the_same_attributes_disclosed_in_another_order_are_one_set() -> None:
    def person(person_id: str, diversity: dict[str, str]) -> Candidate:
        return Candidate(
            person_id=person_id,
            department="d",
            languages=("en",),
            career_level=1,
            role_preference=RolePreference.MENTOR,
            diversity=diversity,
        )

    mentors = [
        person("a", {"g": "1", "h": "2"}),
        person("b", {}),
        person("c", {"h": "2", "g": "1"}),
        person("d", {"h": "1"}),
    ]
    disclosures = matrix_module._disclosures(mentors, [])
    assert disclosures.codes.mentors.tolist() == [0, 1, 0, 2]
    assert disclosures.mentor_sets == ({"g": "1", "h": "2"}, {}, {"h": "1"})
    assert [list(found) for found in disclosures.mentor_sets] == [["g", "h"], [], ["h"]]
