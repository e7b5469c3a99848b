"""The optimum from each person's best few dozen candidates, proven optimal for everyone.

A person's partner in the optimum is almost always among their best few dozen acceptable
candidates, so the assignment is solved on those lists only (a sparse problem, scipy LAPJVsp),
which is far cheaper than the 25-million-cell dense solve. The answer is then *proven* optimal
for the whole dense problem with linear-programming duality:

    maximise  sum w[i, j] x[i, j]   subject to  each row and column used at most once, x >= 0
    minimise  sum u[i] + sum v[j]   subject to  u[i] + v[j] >= w[i, j],  u, v >= 0

Any dual-feasible (u, v) bounds every matching's total from above. If (u, v) is feasible for
*every* pair (not only the candidates) and its total equals the sparse matching's total, no
matching of the dense problem can do better: the sparse answer is the dense optimum. The duals
come from the sparse optimum itself (complementary slackness turns them into shortest paths).
When the check fails anywhere (a needed candidate was cut, or rounding), the caller falls back
to the dense solve, so the result is always exactly optimal.

Only for one place per person; capacities above one go to the dense solve.
Imports numpy and scipy (compiled): never import this module from workflow code.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from domain.matching.matrix import FloatMatrix, PairMatrix

# Each person's best candidates kept, on both sides. Enough that the proof holds on realistic
# rosters; fewer makes the solve cheaper and the fallback likelier.
CANDIDATES = 16
# Reduced costs are accepted down to this (scores are sums of a few small fractions, so two
# truly different totals differ by far more; this only absorbs floating-point rounding).
TOLERANCE = 1e-9
# Rounds of adding the pairs the duals point at before giving up on the sparse problem.
ROUNDS = 6
# Rows checked at once in the dense proof: a bounded temporary instead of a 200 MB one.
PROOF_BLOCK = 256

Index = npt.NDArray[np.int64]
Vector = npt.NDArray[np.float64]
Pairs = list[tuple[int, int]]


def proven_optimal_pairs(matrix: PairMatrix) -> Pairs | None:
    """The dense optimum via candidate lists, or None when optimality could not be proven.

    Column generation: the duals of each sparse optimum name the pairs that could still improve
    it (negative reduced cost); those join the candidates and the sparse problem is solved
    again, for a few rounds at most.
    """
    height, width = matrix.weights.shape
    rows, cols = candidate_edges(matrix, CANDIDATES)
    for _ in range(ROUNDS):
        if len(rows) == 0:
            return []
        weights = matrix.weights[rows, cols]
        mate = _solve_sparse(height, width, rows, cols, weights)
        if mate is None:
            return None
        duals = _balanced_duals(height, width, rows, cols, weights, mate)
        if duals is None:
            return None
        missing = improving_pairs(matrix, *duals)
        if len(missing[0]) == 0:
            return [(i, int(mate[i])) for i in range(height) if mate[i] >= 0]
        keys = np.unique(np.concatenate((rows * width + cols, missing[0] * width + missing[1])))
        rows, cols = np.divmod(keys, width)
    return None


def candidate_edges(matrix: PairMatrix, count: int) -> tuple[Index, Index]:
    """Acceptable pairs among each mentor's and each mentee's `count` best, without repeats."""
    height, width = matrix.weights.shape
    # Ranked on the weights themselves (an unacceptable pair weighs 0, never more than an
    # acceptable one): no 200 MB ranking copy. An unacceptable pair that makes a short list is
    # dropped below; an acceptable pair worth 0 left out can never improve a matching.
    by_row = _best(matrix.weights, count, axis=1)
    by_col = _best(matrix.weights.T, count, axis=1)
    keys = np.concatenate(
        (
            np.repeat(np.arange(height) * width, by_row.shape[1]) + by_row.ravel(),
            by_col.ravel() * width + np.repeat(np.arange(width), by_col.shape[1]),
        )
    )
    keys = np.unique(keys)  # sorted, so repeats from both lists count once
    rows, cols = np.divmod(keys, width)
    acceptable = matrix.feasible[rows, cols]
    return rows[acceptable].astype(np.int64), cols[acceptable].astype(np.int64)


def _best(ranked: FloatMatrix, count: int, axis: int) -> Index:
    """Per row (axis=1), the columns of the `count` largest values, in no particular order."""
    size = ranked.shape[axis]
    if count >= size:
        every: Index = np.indices(ranked.shape)[axis]
        return every
    part = np.argpartition(ranked, size - count, axis=axis)
    return np.take(part, np.arange(size - count, size), axis=axis)


def _solve_sparse(
    height: int, width: int, rows: Index, cols: Index, weights: Vector
) -> npt.NDArray[np.int64] | None:
    """Maximum-weight matching on the candidate pairs: each mentor's mentee, or -1.

    The solver matches every row of a rectangular problem, so each mentor gets a private
    "unmatched" column of its own (columns `width + i`), and mentees left over simply stay
    unmatched in the wider side. This keeps the problem at `height` rows (doubling it into a
    square one with dummy rows made it about ten times slower: the dummies are all ties).
    """
    edge_rows = np.concatenate((rows, np.arange(height)))
    edge_cols = np.concatenate((cols, width + np.arange(height)))
    # The solver reads a stored 0 as "no edge", so costs are kept > 0: every row takes exactly
    # one edge, so shifting every cost by the same amount changes no choice.
    top = float(weights.max()) + 1.0
    cost = np.concatenate((top - weights, np.full(height, top)))
    graph = sparse.csr_matrix((cost, (edge_rows, edge_cols)), shape=(height, width + height))
    try:
        row_of_match, column_of_match = min_weight_full_bipartite_matching(graph)
    except ValueError:  # no full matching: cannot happen with the dummies, but never guess
        return None
    mate = np.full(height, -1, dtype=np.int64)
    chosen = np.asarray(column_of_match, dtype=np.int64)
    real = chosen < width
    mate[np.asarray(row_of_match, dtype=np.int64)[real]] = chosen[real]
    return mate


def _balanced_duals(
    height: int,
    width: int,
    rows: Index,
    cols: Index,
    weights: Vector,
    mate: npt.NDArray[np.int64],
) -> tuple[Vector, Vector] | None:
    """Optimal duals halfway between the mentors' largest and the mentees' largest.

    With many ties the sparse problem has a whole face of optimal duals. The shortest-path
    solution gives mentors as much as possible and mentees as little, which underpays pairs
    of a cheap mentee outside the lists; the same solution from the mentees' side does the
    opposite. Their average is optimal too (the set is convex) and leaves far fewer pairs
    underpaid, so fewer rounds of column generation are needed.
    """
    by_mentors = _duals(height, width, rows, cols, weights, mate)
    mentor_of = np.full(width, -1, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    mentor_of[mate[matched]] = matched
    by_mentees = _duals(width, height, cols, rows, weights, mentor_of)
    if by_mentors is None or by_mentees is None:
        return by_mentors
    (u_high, v_low), (v_high, u_low) = by_mentors, by_mentees
    return (u_high + u_low) / 2, (v_low + v_high) / 2


def _duals(
    height: int,
    width: int,
    rows: Index,
    cols: Index,
    weights: Vector,
    mate: npt.NDArray[np.int64],
) -> tuple[Vector, Vector] | None:
    """Optimal duals of the sparse problem, or None if the matching is not its optimum.

    Complementary slackness fixes v[j] = w[mate, j] - u[mate] for a matched mentee and
    v[j] = 0 for an unmatched one, and u[i] = 0 for an unmatched mentor. What is left are
    difference constraints between mentors (u[k] - u[i] <= w[k, j] - w[i, j] when j is k's
    mentee), solved as shortest distances from a root standing for "0" (Bellman-Ford, one
    vectorised sweep over all edges per round). A negative cycle means the matching could be
    improved; rounds are bounded, so a bad input ends in None, never in a loop.
    """
    root = height
    mentor_of = np.full(width, -1, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    mentor_of[mate[matched]] = matched
    mate_weight = np.zeros(height)
    edge_weight = dict(zip((rows * width + cols).tolist(), weights.tolist(), strict=True))
    for i in matched.tolist():
        mate_weight[i] = edge_weight[i * width + int(mate[i])]
    other = mentor_of[cols]
    to_mentor = (other >= 0) & (other != rows)
    sources = np.concatenate(
        (rows[to_mentor], rows[other < 0], np.arange(height), np.full(height, root))
    )
    targets = np.concatenate(
        (
            other[to_mentor],
            np.full(int((other < 0).sum()), root),
            np.full(height, root),
            np.arange(height),
        )
    )
    lengths = np.concatenate(
        (
            mate_weight[other[to_mentor]] - weights[to_mentor],
            -weights[other < 0],
            np.zeros(height),
            # u[k] <= w[k, mate] keeps v >= 0; an unmatched mentor's u is pinned to 0.
            mate_weight,
        )
    )
    distance = _shortest_from(root, height + 1, sources, targets, lengths)
    if distance is None or distance[root] < -TOLERANCE:
        return None
    u = distance[:height]
    v = np.zeros(width)
    matched_mentees = mentor_of >= 0
    v[matched_mentees] = mate_weight[mentor_of[matched_mentees]] - u[mentor_of[matched_mentees]]
    if (u < -TOLERANCE).any() or (v < -TOLERANCE).any():
        return None
    return u, v


def _shortest_from(
    root: int, nodes: int, sources: Index, targets: Index, lengths: Vector
) -> Vector | None:
    distance = np.full(nodes, np.inf)
    distance[root] = 0.0
    for _ in range(nodes + 1):
        relaxed = distance.copy()
        np.minimum.at(relaxed, targets, distance[sources] + lengths)
        # Improvements below the tolerance are rounding noise, not a shorter path.
        if not (relaxed < distance - TOLERANCE).any():
            return distance
        distance = relaxed
    return None


def improving_pairs(matrix: PairMatrix, u: Vector, v: Vector) -> tuple[Index, Index]:
    """Acceptable pairs whose reduced cost u[i] + v[j] - w[i, j] is negative (beyond rounding).

    None means (u, v) is feasible for the whole dense problem, which proves the optimum.
    Unacceptable pairs weigh 0 in the matrix and u, v >= 0, so they never show up here.
    """
    height = matrix.weights.shape[0]
    found_rows, found_cols = [], []
    for first in range(0, height, PROOF_BLOCK):
        block = matrix.weights[first : first + PROOF_BLOCK]
        slack = u[first : first + PROOF_BLOCK, None] + v[None, :]
        np.subtract(slack, block, out=slack)
        bad_rows, bad_cols = np.nonzero(slack < -TOLERANCE)
        found_rows.append(bad_rows + first)
        found_cols.append(bad_cols)
    return np.concatenate(found_rows).astype(np.int64), np.concatenate(found_cols).astype(np.int64)
