"""The globally optimal assignment: maximum total score over every acceptable pairing.

With one place each (the common case), the optimum is sought on each person's best candidates
and proven optimal for the whole problem with its duals (`sparse`): on 5,000 x 5,000 this never
holds the 25-million-cell matrix and takes a fraction of the dense solve's time. When that proof
fails, or capacities are above one, the dense problem below is solved (`assignment`); both give
the same total, and `candidate_lists=False` forces the dense solve (the benchmark's reference).

Each person is expanded into as many slots as they have places, and a linear assignment solver
pairs the slots. The shorter side is padded with dummy slots worth 0 (staying unmatched), and a
slot paired with an infeasible partner (also worth 0) is unmatched too, so nothing is forced.

The dense solver is LAPJV (the `lap` package): on 5,000 x 5,000 it takes about a third of the
time of scipy's `linear_sum_assignment`. Both are exact; the property tests compare the result
with brute force.

Slots are a relaxation: when both a mentor and a mentee have two places, the solver may pair the
same two people twice. That can only happen when both sides offer capacity above one; then the
exact problem (a b-matching, whose constraint matrix is totally unimodular, so its LP optimum is
integral) is handed to HiGHS through `scipy.optimize.milp`. Without duplicates the relaxation's
optimum is feasible, hence optimal.

Imports lap and scipy (compiled): only activities, the CLI and tests may import this module.
"""

from __future__ import annotations

import lap
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from domain.matching.context import PairContext
from domain.matching.explain import explain
from domain.matching.matrix import FloatMatrix, PairMatrix, PairRules, dense_matrix
from domain.matching.model import MatchingProblem, MatchingResult
from domain.matching.sides import split_sides
from domain.matching.sparse import proven_optimal_pairs

Pairs = list[tuple[int, int]]
Capacity = npt.NDArray[np.int64]


def match(problem: MatchingProblem, *, candidate_lists: bool = True) -> MatchingResult:
    """Propose the optimal pairs for `problem`, each explained, and say why others are left."""
    sides = split_sides(problem)
    rules = PairRules.of(problem, sides, PairContext.of(problem))
    pairs, method = optimal_pairs(
        rules,
        np.array(sides.mentor_capacity, dtype=np.int64),
        np.array(sides.mentee_capacity, dtype=np.int64),
        candidate_lists=candidate_lists,
    )
    return explain(problem, sides, rules, pairs, method)


def optimal_pairs(
    scores: PairRules | PairMatrix,
    mentor_capacity: Capacity,
    mentee_capacity: Capacity,
    *,
    candidate_lists: bool = True,
) -> tuple[Pairs, str]:
    """The optimum of the dense problem; from proven candidate lists first unless told not to.

    Both paths are exact; the method says which one answered.
    """
    if candidate_lists and (mentor_capacity == 1).all() and (mentee_capacity == 1).all():
        proven = proven_optimal_pairs(scores)
        if proven is not None:
            return sorted(proven), "sparse"
    matrix = scores if isinstance(scores, PairMatrix) else dense_matrix(scores)
    return dense_optimal_pairs(matrix, mentor_capacity, mentee_capacity)


def dense_optimal_pairs(
    matrix: PairMatrix, mentor_capacity: Capacity, mentee_capacity: Capacity
) -> tuple[Pairs, str]:
    """Every mentor x mentee cell in one LAPJV solve (or the b-matching when it must be)."""
    rows = np.repeat(np.arange(len(mentor_capacity)), mentor_capacity)
    cols = np.repeat(np.arange(len(mentee_capacity)), mentee_capacity)
    if len(rows) == 0 or len(cols) == 0:
        return [], "assignment"
    weights = _slot_weights(matrix.weights, rows, cols, mentor_capacity, mentee_capacity)
    slot_rows, slot_cols = _assign(weights)
    chosen = [
        (int(rows[r]), int(cols[c]))
        for r, c in zip(slot_rows, slot_cols, strict=True)
        if matrix.feasible[rows[r], cols[c]]
    ]
    if len(set(chosen)) == len(chosen):
        return sorted(chosen), "assignment"
    return _exact_b_matching(matrix, mentor_capacity, mentee_capacity), "milp"


def _assign(
    weights: FloatMatrix,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Maximum-weight assignment of a rectangular matrix: (rows, cols) of the chosen cells."""
    height, width = weights.shape
    size = max(height, width)
    # LAPJV minimises over a square matrix; dummy rows/columns cost 0 like an unmatched slot.
    cost = np.zeros((size, size), dtype=np.float64)
    np.negative(weights, out=cost[:height, :width])
    _, column_of_row, _ = lap.lapjv(cost)
    rows = np.arange(height)
    cols = np.asarray(column_of_row[:height], dtype=np.int64)
    real = cols < width
    return rows[real], cols[real]


def _slot_weights(
    weights: FloatMatrix,
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    mentor_capacity: Capacity,
    mentee_capacity: Capacity,
) -> FloatMatrix:
    # The common case (one place each, nobody full) needs no 200 MB copy of the matrix.
    if (mentor_capacity == 1).all() and (mentee_capacity == 1).all():
        return weights
    return weights[np.ix_(rows, cols)]


def _exact_b_matching(
    matrix: PairMatrix, mentor_capacity: Capacity, mentee_capacity: Capacity
) -> Pairs:
    mentor_of, mentee_of = np.nonzero(matrix.feasible)
    count = len(mentor_of)
    if count == 0:
        return []
    edges = np.arange(count)
    by_mentor = sparse.csr_matrix(
        (np.ones(count), (mentor_of, edges)), shape=(len(mentor_capacity), count)
    )
    by_mentee = sparse.csr_matrix(
        (np.ones(count), (mentee_of, edges)), shape=(len(mentee_capacity), count)
    )
    result = milp(
        c=-matrix.weights[mentor_of, mentee_of],
        constraints=[
            LinearConstraint(by_mentor, -np.inf, mentor_capacity),
            LinearConstraint(by_mentee, -np.inf, mentee_capacity),
        ],
        integrality=np.ones(count),
        bounds=Bounds(0, 1),
    )
    if result.x is None:
        raise RuntimeError(f"the b-matching solver failed: {result.message}")
    taken = np.flatnonzero(result.x > 0.5)
    return sorted((int(mentor_of[k]), int(mentee_of[k])) for k in taken)
