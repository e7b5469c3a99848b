"""The steps of the sparse path one by one: each is only a faster way to the same answer."""

from __future__ import annotations

import gc
import random
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import sparse as scipy_sparse

from domain.matching import sparse
from domain.matching.assignment import match
from domain.matching.context import PairContext
from domain.matching.matrix import BLOCK_ROWS, PairMatrix, PairRules, dense_matrix
from domain.matching.model import MatchingProblem
from domain.matching.sides import split_sides
from roster.synthetic import synthetic_candidates
from tests.matching.strategies import problems
from tests.matching.test_sparse import dense_total, matrices, total

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def all_edges(matrix: PairMatrix) -> sparse.Edges:
    width = matrix.weights.shape[1]
    keys = np.flatnonzero(matrix.feasible.ravel()).astype(np.int64)
    return sparse.Edges(keys, matrix.weights.ravel()[keys], width)


def first_round_duals(matrix: PairMatrix, first_edges: sparse.Edges) -> sparse.Duals:
    """The duals of the first round, solved on its own pairs."""
    height, width = matrix.weights.shape
    first = sparse.solve(height, width, first_edges)
    assert first is not None
    duals = sparse.balanced_duals(height, width, first_edges, first)
    assert duals is not None
    return duals


class SecondRound(NamedTuple):
    first_duals: sparse.Duals  # the first round's, solved on its own pairs
    edges: sparse.Edges  # every acceptable pair
    mate: sparse.Index  # their optimum, solved warm from the first round's duals


def second_round(matrix: PairMatrix, first_edges: sparse.Edges) -> SecondRound | None:
    """A first round on `first_edges`, then a second on every pair starting from its duals;
    None when the first round has no pair."""
    if len(first_edges.keys) == 0:
        return None
    first_duals = first_round_duals(matrix, first_edges)
    height, width = matrix.weights.shape
    edges = all_edges(matrix)
    mate = sparse.solve(height, width, edges, first_duals)
    assert mate is not None
    return SecondRound(first_duals, edges, mate)


def solved_total(matrix: PairMatrix, mate: sparse.Index) -> float:
    return total(matrix, [(i, int(j)) for i, j in enumerate(mate) if j >= 0])


@st.composite
def matrices_with_a_first_round(draw: st.DrawFn) -> tuple[PairMatrix, sparse.Edges]:
    """A matrix and a subset of its acceptable pairs: the edges of a first round."""
    matrix = draw(matrices())
    edges = all_edges(matrix)
    chosen = draw(arrays(np.bool_, len(edges.keys)))
    return matrix, sparse.Edges(edges.keys[chosen], edges.weights[chosen], edges.width)


@SETTINGS
@given(matrices_with_a_first_round())
def test_a_solve_warm_from_an_earlier_rounds_duals_finds_the_same_optimum(
    case: tuple[PairMatrix, sparse.Edges],
) -> None:
    # The first round solves some pairs; the second gets every pair (some underpaid by the
    # first duals, which the warm start must repair) and starts from the first round's duals.
    matrix, first_edges = case
    second = second_round(matrix, first_edges)
    if second is None:
        return
    assert solved_total(matrix, second.mate) == pytest.approx(dense_total(matrix), abs=1e-9)


def test_a_warm_solve_repairs_a_pair_the_first_duals_underpay() -> None:
    # The first round only knows (0, 0) and (1, 1): duals u = (3, 2), v = (0, 0). The pair
    # (0, 1) worth 4 is underpaid by 1 and the optimum changes to (0, 1), (1, 0).
    weights = np.array([[3.0, 4.0], [2.5, 2.0]])
    matrix = PairMatrix(feasible=weights > 0, weights=weights)
    first_edges = sparse.Edges(np.array([0, 3]), np.array([3.0, 2.0]), 2)
    duals = first_round_duals(matrix, first_edges)
    assert duals.u[0] + duals.v[1] < 4.0  # underpaid
    warm = sparse.solve(2, 2, all_edges(matrix), duals)
    assert warm is not None
    assert warm.tolist() == [1, 0]


@SETTINGS
@given(matrices_with_a_first_round(), st.randoms(use_true_random=False))
def test_duals_found_from_a_guess_of_the_tight_pairs_are_the_duals(
    case: tuple[PairMatrix, sparse.Edges], rng: random.Random
) -> None:
    # The second round's duals, guided by the first round's (a good guess) or by made-up
    # duals (a bad one), are those found without any guess.
    matrix, first_edges = case
    second = second_round(matrix, first_edges)
    if second is None:
        return
    height, width = matrix.weights.shape
    expected = sparse.balanced_duals(height, width, second.edges, second.mate)
    assert expected is not None
    made_up = sparse.Duals(
        u=np.array([rng.uniform(0, 5) for _ in range(height)]),
        v=np.array([rng.uniform(0, 5) for _ in range(width)]),
    )
    for guess in (second.first_duals, made_up):
        found = sparse.balanced_duals(height, width, second.edges, second.mate, guess)
        assert found is not None
        assert found.u == pytest.approx(expected.u, abs=1e-9)
        assert found.v == pytest.approx(expected.v, abs=1e-9)


@SETTINGS
@given(matrices())
def test_the_mentees_duals_by_dijkstra_are_those_of_bellman_ford(matrix: PairMatrix) -> None:
    height, width = matrix.weights.shape
    edges = all_edges(matrix)
    if len(edges.keys) == 0:
        return
    mate = sparse.solve(height, width, edges)
    assert mate is not None
    mentor_of = np.full(width, -1, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    mentor_of[mate[matched]] = matched
    mate_weight = np.zeros(height)
    mate_weight[matched] = matrix.weights[matched, mate[matched]]
    mentee_weight = np.zeros(width)
    mentee_weight[mate[matched]] = mate_weight[matched]
    rows, cols = edges.rows, edges.cols
    by_mentors = sparse._duals(height, width, rows, cols, edges.weights, mate, mate_weight)
    assert by_mentors is not None
    _, v_low = by_mentors
    arguments = (width, height, cols, rows, edges.weights, mentor_of, mentee_weight)
    by_bellman_ford = sparse._duals(*arguments)
    by_dijkstra = sparse._duals(*arguments, potential=v_low)
    assert by_bellman_ford is not None
    assert by_dijkstra is not None
    for found, expected in zip(by_dijkstra, by_bellman_ford, strict=True):
        assert found == pytest.approx(expected, abs=1e-9)


def test_a_potential_that_is_not_feasible_gives_no_duals() -> None:
    # Root 2; the edge 0 -> 1 of length -1 is violated by the potential (0, 5, 0).
    found = sparse._shortest_with_potential(
        2,
        3,
        np.array([2, 2, 0]),
        np.array([0, 1, 1]),
        np.array([0.0, 0.0, -1.0]),
        np.array([0.0, 5.0, 0.0]),
    )
    assert found is None


@SETTINGS
@given(matrices())
def test_the_square_problem_is_laid_out_as_scipy_would(matrix: PairMatrix) -> None:
    height, width = matrix.weights.shape
    edges = all_edges(matrix)
    count = len(edges.keys)
    rng = np.random.default_rng(count)
    costs = (rng.random(count), rng.random((height,)), rng.random((width,)), rng.random(count))
    data, starts, columns = sparse._square_graph(height, width, edges, costs)
    real, mentor_alone, mentee_alone, both_alone = costs
    rows, cols = edges.rows, edges.cols
    reference = scipy_sparse.csr_matrix(
        (
            np.concatenate((real, mentor_alone, both_alone, mentee_alone)),
            (
                np.concatenate((rows, np.arange(height), height + cols, height + np.arange(width))),
                np.concatenate((cols, width + np.arange(height), width + rows, np.arange(width))),
            ),
        ),
        shape=(height + width, height + width),
    )
    reference.sort_indices()
    assert starts.tolist() == reference.indptr.tolist()
    assert columns.tolist() == reference.indices.tolist()
    assert data.tolist() == reference.data.tolist()


@SETTINGS
@given(
    arrays(
        np.float32,
        st.tuples(st.integers(1, 3 * BLOCK_ROWS), st.integers(1, 6)),
        elements=st.integers(0, 20).map(float),
    ),
    st.integers(1, 4),
)
def test_each_column_gets_the_best_row_of_each_of_its_best_blocks(
    screen: np.ndarray, count: int
) -> None:
    height, width = screen.shape
    starts = range(0, height, BLOCK_ROWS)
    block_best = np.stack([screen[first : first + BLOCK_ROWS].max(axis=0) for first in starts], 1)
    keys = sparse._column_candidates(screen, block_best, count)
    found = sorted((int(k) // width, int(k) % width) for k in keys)
    blocks = min(count, block_best.shape[1])
    chosen = np.argpartition(block_best, block_best.shape[1] - blocks, axis=1)[:, -blocks:]

    def best_row(block: int, column: int) -> int:
        first = block * BLOCK_ROWS
        return first + int(screen[first : first + BLOCK_ROWS, column].argmax())

    expected = sorted((best_row(block, j), j) for j in range(width) for block in chosen[j])
    assert found == expected


@SETTINGS
@given(
    arrays(np.int64, st.integers(0, 30), elements=st.integers(0, 50)),
    arrays(np.int64, st.integers(0, 30), elements=st.integers(0, 50)),
)
def test_a_union_of_edges_holds_each_pair_once_with_its_score(
    first: np.ndarray, second: np.ndarray
) -> None:
    first, second = np.unique(first), np.unique(second)
    edges = sparse.Edges(first, first * 0.5, 7).union(second, second * 0.5)
    assert edges.keys.tolist() == sorted(set(first.tolist()) | set(second.tolist()))
    assert edges.weights.tolist() == (edges.keys * 0.5).tolist()


def test_matching_leaves_no_garbage_for_the_cycle_collector() -> None:
    """Everything a run creates and drops is freed by reference counting (no cycles), so
    the collector has nothing to find in it and `match` need not touch it."""
    problem = MatchingProblem(candidates=tuple(synthetic_candidates(400, seed=5)))
    was = gc.isenabled()
    gc.collect()
    try:
        gc.disable()
        result = match(problem)
        assert result.pairs
        del result
        assert gc.collect() == 0
    finally:
        gc.enable() if was else gc.disable()


@SETTINGS
@given(problems(max_people=12))
def test_the_screen_rounds_every_score_up_by_less_than_a_step(problem: MatchingProblem) -> None:
    sides = split_sides(problem)
    rules = PairRules.of(problem, sides, PairContext.of(problem))
    if 0 in rules.shape:
        return
    matrix = dense_matrix(rules)
    assert float(matrix.weights.max(initial=0.0)) <= rules.ceiling
    found = sparse.candidate_edges(rules, 2)
    assert found is not None
    _, screen = found
    rounded_up = screen.levels.astype(np.float64) * screen.step
    # Up to float32's rounding of the scores, which the screening's room covers.
    rounding = 2.0**-20 * max(rules.ceiling, 1.0)
    assert (rounded_up >= matrix.weights - rounding).all()
    assert (rounded_up <= matrix.weights + screen.step + rounding).all()


def test_scores_above_the_ceiling_prove_nothing() -> None:
    # A table of scores that claims a lower ceiling than its scores: the levels could wrap
    # around, so the sparse path gives up and the dense solve answers.
    class Understated(PairMatrix):
        @property
        def ceiling(self) -> float:
            return 1.0

    weights = np.array([[3.0, 1.0], [1.0, 2.0]])
    understated = Understated(feasible=weights > 0, weights=weights)
    assert sparse.candidate_edges(understated, 2) is None
    assert sparse.proven_optimal_pairs(understated) is None
