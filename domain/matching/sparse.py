"""The optimum from each person's best candidates, proven optimal for everyone.

A person's partner in the optimum is almost always among their best candidates, so the
assignment is solved on a sparse set of pairs, which is far cheaper than the 25-million-cell
dense solve, and then *proven* optimal for the whole dense problem with linear-programming
duality:

    maximise  sum w[i, j] x[i, j]   subject to  each row and column used at most once, x >= 0
    minimise  sum u[i] + sum v[j]   subject to  u[i] + v[j] >= w[i, j],  u, v >= 0

Any dual-feasible (u, v) bounds every matching's total from above. If (u, v) is feasible for
*every* pair (not only the sparse ones) and its total equals the sparse matching's total, no
matching of the dense problem can do better. The duals come from the sparse optimum itself
(complementary slackness turns them into shortest paths).

The rounds, each cheap because no round holds the exact dense matrix (scores are computed a
block of rows at a time, see `matrix.PairRules`):

1. Good acceptable partners for each mentor and each mentee, in one sweep in float32 that
   also keeps every score rounded up to one of 255 steps, a byte per pair (`Screen`).
2. Solve on them (LAPMOD, `lap.lapmod`), take the duals: a first estimate of what each person
   is worth. One pass over the rounded-up scores, with room for float32 rounding, finds every
   pair whose reduced cost `u[i] + v[j] - w[i, j]` could be at most a margin; those are
   scored exactly and only exact reduced costs decide. None negative: the answer is proven
   at once. Otherwise the pairs within the margin join: with duals this close to the
   optimum's, the optimum's pairs are among them.
3. Solve again, starting from the first duals (the first optimum's pairs then cost nothing
   and LAPMOD only repairs what the added pairs change). A pair left out had a reduced cost
   above the margin under the first duals, so under the new duals it is at least the margin
   minus how far u[i] and v[j] fell. Only the rows where that could go below zero are scored
   again and checked; pairs found underpaid join and the solve repeats (a few rounds at
   most).

When any step cannot prove the answer (too many near pairs, a solver's answer that does not
check out, rounds exhausted), the caller solves the dense problem instead, so the result is
always exactly optimal. Ties are broken the same way in every run: every step is a fixed
sequence of array operations on the same input.

Only for one place per person; capacities above one go to the dense solve.
Imports numpy, scipy and lap (compiled): never import this module from workflow code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import lap
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse.csgraph import dijkstra, min_weight_full_bipartite_matching

from domain.matching.matrix import (
    BLOCK_ROWS,
    BoolMatrix,
    Float32Matrix,
    FloatMatrix,
    Rows,
    first_of_equal,
)

# Candidates per person for the first solve (see `candidate_edges`).
CANDIDATES = 16
# Pairs within this share of the largest score of being tight under the first duals join the
# second solve (0.5 points on the default weights): wide enough that the optimum is among them,
# narrow enough to stay a few dozen pairs per person.
MARGIN_SHARE = 0.08
# More near pairs than this per person means the duals say little: solve the dense problem.
MAX_PAIRS_PER_PERSON = 100
# Pairs whose reduced cost under the duals of the round before is within this share of the
# largest score are relaxed first when the next duals are sought (see `_shortest_from`): only
# a guess, which changes how fast the duals are found, never which.
LIKELY_TIGHT_SHARE = MARGIN_SHARE / 2
# Reduced costs are accepted down to this (scores are sums of a few small fractions, so two
# truly different totals differ by far more; this only absorbs floating-point rounding).
TOLERANCE = 1e-9
# Rows of the float32 screen checked at once.
SCREEN_ROWS = 64
# Solves on the sparse pairs before giving up on them.
ROUNDS = 6

Index = npt.NDArray[np.int64]
Vector = npt.NDArray[np.float64]
Pairs = list[tuple[int, int]]


class PairScores(Protocol):
    """Scores (0 where unacceptable) and feasibility of blocks of rows: dense or computed."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def block(self, rows: Rows) -> tuple[FloatMatrix, BoolMatrix]: ...

    def pair_weights(self, rows: Index, cols: Index) -> Vector: ...

    def pair_feasible(self, rows: Index, cols: Index) -> BoolMatrix: ...

    def screen_work(self, rows: int) -> Any: ...

    def screen_block(self, rows: slice, out: Float32Matrix, work: Any = None) -> None: ...

    @property
    def ceiling(self) -> float: ...


@dataclass(frozen=True)
class Edges:
    """Acceptable pairs as sorted flat indices `row * width + column`, with their scores."""

    keys: Index
    weights: Vector
    width: int

    @property
    def rows(self) -> Index:
        return self.keys // self.width

    @property
    def cols(self) -> Index:
        return self.keys % self.width

    def union(self, keys: Index, weights: Vector) -> Edges:
        # A stable sort of two sorted runs is a merge; a key in both has the same score in
        # both (the same computation), so keeping the first of equal keys keeps either.
        every = np.concatenate((self.keys, keys))
        order = np.argsort(every, kind="stable")
        every = every[order]
        first = first_of_equal(every)
        merged = np.concatenate((self.weights, weights))[order]
        return Edges(every[first], merged[first], self.width)


@dataclass(frozen=True)
class Duals:
    u: Vector
    v: Vector


@dataclass(frozen=True)
class Screen:
    """Every pair's score rounded *up* to a whole number of steps (`levels * step >= score`),
    a byte per pair: 25 MB for 25 million pairs instead of 100 MB of float32, which the
    process had to fault in (and the kernel to zero) on every first call, for the same
    screening (a pair admitted by the rounding up is scored exactly and dropped)."""

    levels: npt.NDArray[np.uint8]
    step: float


def proven_optimal_pairs(scores: PairScores) -> Pairs | None:
    """The dense optimum via sparse pairs, or None when optimality could not be proven."""
    height, width = scores.shape
    if height == 0 or width == 0:
        return []
    found = candidate_edges(scores, CANDIDATES)
    if found is None:
        return None
    edges, screen = found
    if len(edges.keys) == 0:
        return []
    # Each mentor's best pair (to float32 rounding) is among the edges: the largest score.
    largest = float(edges.weights.max())
    margin = MARGIN_SHARE * largest
    # The duals under which every pair outside `edges` had a reduced cost above the margin.
    reference: Duals | None = None
    # Each solve after the first starts from the duals of the one before.
    duals: Duals | None = None
    for _ in range(ROUNDS):
        mate = solve(height, width, edges, duals)
        duals = balanced_duals(height, width, edges, mate, duals) if mate is not None else None
        if mate is None or duals is None:
            return None
        if reference is None:
            limit = MAX_PAIRS_PER_PERSON * (height + width)
            near = near_tight_pairs(scores, screen, largest, duals, margin, limit)
            if near is None:
                return None
            keys, weights, underpaid = near
            if not underpaid:
                return _pairs(mate)
            edges, reference = edges.union(keys, weights), duals
        else:
            keys, weights = underpaid_pairs(scores, duals, at_risk(duals, reference, margin))
            if len(keys) == 0:
                return _pairs(mate)
            edges = edges.union(keys, weights)
    return None


def _pairs(mate: Index) -> Pairs:
    return [(i, int(mate[i])) for i in range(len(mate)) if mate[i] >= 0]


# -- sweeps over every pair -------------------------------------------------------------------


def candidate_edges(scores: PairScores, count: int) -> tuple[Edges, Screen] | None:
    """Good acceptable pairs for every mentor and every mentee, in one sweep of the scores,
    and every score (0: unacceptable) rounded up to a `Screen` to screen the pairs later
    (None if a score exceeds the ceiling the rounding relies on: then nothing is proven).

    Not each person's exact `count` best (a partial sort of 25 million scores costs more than
    the rest of the sweep): each mentor's best mentee in each of `count` groups of columns, and
    each mentee's best mentor in each of the `count` blocks of rows where its best score is
    highest. Any set of pairs is correct (the proof decides); these only need to be good
    enough that the first duals are close to the optimum's. Ranked on the scores themselves
    (an unacceptable pair weighs 0, never more than an acceptable one); unacceptable winners
    are dropped, and an acceptable pair worth 0 can never improve a matching.
    """
    height, width = scores.shape
    # Every group holds at least one column; the last one may be narrower than the others.
    group_width = -(-width // min(count, width))
    full = width // group_width
    offsets = np.arange(full)[None, :] * group_width
    # 254 steps up to the ceiling (with room for its rounding): a score's level, the whole
    # steps below it plus one, stays below 256.
    ceiling = max(scores.ceiling, TOLERANCE) * (1.0 + 2.0**-10)
    step = ceiling / 254
    levels = np.empty((height, width), dtype=np.uint8)
    block = np.empty((BLOCK_ROWS, width), dtype=np.float32)
    scaled = np.empty((BLOCK_ROWS, width), dtype=np.float32)
    work = scores.screen_work(BLOCK_ROWS)
    keys: list[Index] = []
    block_best: list[Float32Matrix] = []
    for first in range(0, height, BLOCK_ROWS):
        # Scored in float32: candidates only need to be good, and their exact scores are
        # computed below. Unacceptable pairs are 0 there: those that pass a screen are dropped
        # by the exact check.
        size = min(BLOCK_ROWS, height - first)
        scores.screen_block(slice(first, first + size), block[:size], work)
        # The whole groups as a view (splitting the rows copies nothing), then the rest.
        grouped = block[:size, : full * group_width].reshape(size, full, group_width)
        best = grouped.argmax(axis=2) + offsets
        if full * group_width < width:
            rest = block[:size, full * group_width :].argmax(axis=1) + full * group_width
            best = np.column_stack((best, rest))
        keys.append(((np.arange(size)[:, None] + first) * width + best).ravel())
        # A maximum down the columns is one vectorised pass; where it is comes later, for the
        # few blocks that matter (an argmax down the columns strides through memory).
        block_best.append(block[:size].max(axis=0))
        # Rounded up: the whole steps below the score plus one (truncated toward 0).
        np.multiply(block[:size], np.float32(1.0 / step), out=scaled[:size])
        # Added in float32 and stored as a byte in the same pass.
        np.add(scaled[:size], np.float32(1.0), out=levels[first : first + size], casting="unsafe")
    best_of_blocks = np.stack(block_best, axis=1)
    if float(best_of_blocks.max(initial=0.0)) > ceiling:
        return None  # the ceiling was wrong: the levels could have wrapped around
    keys.append(_column_candidates(levels, best_of_blocks, count))
    every = np.sort(np.concatenate(keys))
    every = every[first_of_equal(every)]
    rows, cols = every // width, every % width
    acceptable = scores.pair_feasible(rows, cols)
    every = every[acceptable]
    weights = scores.pair_weights(rows[acceptable], cols[acceptable])
    return Edges(every, weights, width), Screen(levels, step)


def _column_candidates(
    screen: npt.NDArray[np.uint8] | Float32Matrix, block_best: Float32Matrix, count: int
) -> Index:
    """For each column, the best row (on the screen's rounded scores) of each of the `count`
    blocks where it scores highest.

    Gathered block by block (each block's rows hold a few hundred chosen columns): reading
    the columns down the rows of the whole screen at once strides through memory and cost
    ten times more.
    """
    width, block_count = block_best.shape
    blocks = min(count, block_count)
    chosen = np.argpartition(block_best, block_count - blocks, axis=1)[:, -blocks:]
    block_of = chosen.ravel()
    column_of = np.repeat(np.arange(width), blocks)
    order = np.argsort(_narrow(block_of, block_count), kind="stable")
    block_of, column_of = block_of[order], column_of[order]
    starts = np.searchsorted(block_of, np.arange(block_count + 1))
    keys = np.empty(len(column_of), dtype=np.int64)
    for block in range(block_count):
        low, high = starts[block], starts[block + 1]
        if low == high:
            continue
        first = block * BLOCK_ROWS
        cols = column_of[low:high]
        found = screen[first : first + BLOCK_ROWS][:, cols]
        keys[low:high] = (found.argmax(axis=0) + first) * screen.shape[1] + cols
    return keys


def near_tight_pairs(
    scores: PairScores,
    screen: Screen,
    largest: float,
    duals: Duals,
    margin: float,
    limit: int,
) -> tuple[Index, Vector, bool] | None:
    """Every acceptable pair with reduced cost <= margin (None past `limit` of them), and
    whether any pair has a negative one (if none, the duals prove the matching optimal).

    Screened on the scores rounded up (a pass over 25 MB instead of scoring 25 million pairs
    again): a pair whose rounded-up score leaves a reduced cost above the margin is above it
    with its exact score too. The pairs that pass are scored exactly, and only the exact
    reduced costs decide.
    """
    height, width = scores.shape
    # The float32 arithmetic here is off by at most a few units of 2**-24 of the magnitudes
    # involved (scores, u and v); 2**-16 of their sum leaves a wide berth.
    room = 2.0**-16 * (float(duals.u.max()) + float(duals.v.max()) + largest)
    # u + v - w <= margin + room, in steps: levels >= (u - margin - room) / step + v / step.
    floor = ((duals.u - (margin + room)) / screen.step).astype(np.float32)
    v = (duals.v / screen.step).astype(np.float32)
    least = np.empty((SCREEN_ROWS, width), dtype=np.float32)
    near = np.empty((SCREEN_ROWS, width), dtype=np.bool_)
    found: list[Index] = []
    total = 0
    for first in range(0, height, SCREEN_ROWS):
        block = screen.levels[first : first + SCREEN_ROWS]
        size = len(block)
        np.add(floor[first : first + size, None], v[None, :], out=least[:size])
        np.greater_equal(block, least[:size], out=near[:size])
        # The block's rows are contiguous: a flat position plus the block's start is the key.
        cells = np.flatnonzero(near[:size])
        total += len(cells)
        if total > limit:
            return None
        found.append(cells + first * width)
    keys = np.concatenate(found)
    rows, cols = keys // width, keys % width
    acceptable = scores.pair_feasible(rows, cols)
    keys, rows, cols = keys[acceptable], rows[acceptable], cols[acceptable]
    weights = scores.pair_weights(rows, cols)
    slack = duals.u[rows] + duals.v[cols] - weights
    near = slack <= margin
    underpaid = bool((slack < -TOLERANCE).any())
    return keys[near], weights[near], underpaid


def at_risk(duals: Duals, reference: Duals, margin: float) -> Index:
    """Rows where a pair left out under `reference` (reduced cost > margin) could now be
    underpaid: its reduced cost fell by at most how far u[i] and v[j] fell."""
    row_fall = np.maximum(reference.u - duals.u, 0.0)
    column_fall = float(np.maximum(reference.v - duals.v, 0.0).max(initial=0.0))
    return np.flatnonzero(row_fall + column_fall > margin)


def underpaid_pairs(scores: PairScores, duals: Duals, rows: Index) -> tuple[Index, Vector]:
    """Acceptable pairs of `rows` whose reduced cost is negative (beyond rounding)."""
    width = scores.shape[1]
    keys: list[Index] = [np.zeros(0, dtype=np.int64)]
    weights: list[Vector] = [np.zeros(0)]
    for first in range(0, len(rows), BLOCK_ROWS):
        chosen = rows[first : first + BLOCK_ROWS]
        block_weights, feasible = scores.block(chosen)
        slack = duals.u[chosen, None] + duals.v[None, :]
        np.subtract(slack, block_weights, out=slack)
        local, cols = np.nonzero(feasible & (slack < -TOLERANCE))
        keys.append(chosen[local] * width + cols)
        weights.append(block_weights[local, cols])
    return np.concatenate(keys), np.concatenate(weights)


# -- the sparse solve -------------------------------------------------------------------------


def solve(height: int, width: int, edges: Edges, duals: Duals | None = None) -> Index | None:
    """Maximum-weight matching on the edges: each mentor's mentee, or -1.

    LAPMOD needs a square problem in which everyone is matched, so "unmatched" becomes a pair
    too: each mentor gets a private dummy mentee, at a cost `top` that no real pair exceeds
    (a real pair costs `top - w`), and each mentee a private dummy mentor; the dummy mentors
    pair with the dummy mentees wherever the real people could. Every dummy mentor costs the
    same constant whichever partner it takes, so the total is a constant minus the matching's
    score: the cheapest answer is the best matching, with no reward for matching more people.
    (Half of `top` for that constant: on the benchmark roster it took 0.12 s, 0 or `top`
    took 0.2 s and 1.9 s.)

    With the duals of an earlier round, the solve starts warm (see `_warm_costs`). Its answer
    is checked; if it does not hold, or LAPMOD refuses the costs, scipy's LAPJVsp answers
    instead.
    """
    rows, cols = edges.rows, edges.cols
    if duals is None:
        costs = _cold_costs(height, width, edges)
    else:
        costs = _warm_costs(height, width, edges, duals)
    data, starts, columns = _square_graph(height, width, edges, costs)
    try:
        column_of_row, _ = lap.lapmod(
            height + width, data, starts, columns, return_cost=False, fp_version=lap.FP_2
        )
    except ValueError:  # costs beyond the range LAPMOD accepts
        return _solve_lapjvsp(height, width, rows, cols, edges.weights)
    chosen = np.asarray(column_of_row[:height], dtype=np.int64)
    mate = np.where(chosen < width, chosen, -1)
    if _is_matching(mate, edges, width):
        return mate
    return _solve_lapjvsp(height, width, rows, cols, edges.weights)


def _narrow(values: Index, bound: int) -> npt.NDArray[np.integer[Any]]:
    """Values below `bound` in 16 bits when they fit: numpy's stable sort of 16-bit integers is
    a radix sort, five times faster than its merge sort of 64-bit ones."""
    return values.astype(np.int16) if bound <= np.iinfo(np.int16).max else values


# The costs of the square problem: real pairs, each mentor's dummy, each mentee's dummy, and the
# dummies paired together (one for each real pair).
SquareCosts = tuple[Vector, Vector, Vector, Vector]


def _square_graph(
    height: int, width: int, edges: Edges, costs: SquareCosts
) -> tuple[Vector, npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """The square problem in the compressed rows LAPMOD reads (costs, row starts, columns,
    columns ascending in each row), laid out directly from the sorted edges.

    Mentor i's row: its real pairs, then its dummy (column width + i). Mentee j's dummy row
    (height + j): mentee j, then the mentor dummies of every mentor that has a pair with j.
    """
    real, mentor_alone, mentee_alone, both_alone = costs
    rows, cols = edges.rows, edges.cols
    count = len(rows)
    row_degree = np.bincount(rows, minlength=height)
    column_degree = np.bincount(cols, minlength=width)
    data = np.empty(count + height + width + count)
    columns = np.empty(len(data), dtype=np.int32)
    # Mentor rows: the e-th edge (in key order) lands after the dummies of the rows above it.
    real_at = np.arange(count) + rows
    mentor_dummy_at = np.cumsum(row_degree) + np.arange(height)
    data[real_at], columns[real_at] = real, cols
    data[mentor_dummy_at], columns[mentor_dummy_at] = mentor_alone, width + np.arange(height)
    # Dummy rows: the edges ordered by mentee (mentors ascending within each, as the sort is
    # stable and the keys are in mentor order), each after its mentee's own entry.
    upper = count + height
    by_mentee = np.argsort(_narrow(cols, width), kind="stable")
    mentee_at = upper + np.cumsum(column_degree) - column_degree + np.arange(width)
    both_at = upper + np.arange(count) + cols[by_mentee] + 1
    data[mentee_at], columns[mentee_at] = mentee_alone, np.arange(width)
    data[both_at], columns[both_at] = both_alone[by_mentee], width + rows[by_mentee]
    starts = np.zeros(height + width + 1, dtype=np.int32)
    np.cumsum(np.concatenate((row_degree + 1, column_degree + 1)), out=starts[1:])
    return data, starts, columns


def _cold_costs(height: int, width: int, edges: Edges) -> SquareCosts:
    top = float(edges.weights.max()) + 1.0
    dummy = top / 2
    return (
        top - edges.weights,
        np.full(height, top),
        np.full(width, dummy),
        np.full(len(edges.keys), dummy),
    )


def _warm_costs(height: int, width: int, edges: Edges, duals: Duals) -> SquareCosts:
    """The cold costs less the potentials that the duals of an earlier round give each row and
    column of the square problem, so the earlier optimum's pairs cost 0 and LAPMOD only has to
    repair what the added pairs change (half the time of a cold solve on the benchmark).

    Taking a potential off every cost of a row (or column) takes the same amount off every
    full assignment, so the cheapest assignment is the same. The potentials: `top - u[i]` for
    mentor i, `-v[j]` for mentee j, 0 for mentor dummies and half of `top` for mentee
    dummies. Then a real pair costs its reduced cost `u[i] + v[j] - w[i, j]`, a mentor left
    alone `u[i]`, a mentee left alone `v[j]`, two dummies together 0: all >= 0 for the pairs
    the duals were feasible for. An added pair can be underpaid (negative): its row's
    potential is lowered until none is, as LAPMOD needs costs >= 0 (rounding below 0 is
    cut off; it is far below any real difference between two scores).
    """
    rows = edges.rows
    reduced = duals.u[rows] + duals.v[edges.cols] - edges.weights
    lowest = np.zeros(height)
    np.minimum.at(lowest, rows, reduced)
    np.subtract(reduced, lowest[rows], out=reduced)
    return (
        np.maximum(reduced, 0.0, out=reduced),
        np.maximum(duals.u - lowest, 0.0),
        np.maximum(duals.v, 0.0),
        np.zeros(len(edges.keys)),
    )


def _is_matching(mate: Index, edges: Edges, width: int) -> bool:
    matched = np.flatnonzero(mate >= 0)
    if len(matched) and np.bincount(mate[matched], minlength=width).max() > 1:
        return False
    keys = matched * width + mate[matched]
    where = np.minimum(np.searchsorted(edges.keys, keys), len(edges.keys) - 1)
    return bool((edges.keys[where] == keys).all())


def _solve_lapjvsp(
    height: int, width: int, rows: Index, cols: Index, weights: Vector
) -> Index | None:
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


# -- duals ------------------------------------------------------------------------------------


def balanced_duals(
    height: int, width: int, edges: Edges, mate: Index, earlier: Duals | None = None
) -> Duals | None:
    """Optimal duals of the sparse problem halfway between the mentors' largest and the
    mentees' largest, or None if the matching is not the sparse optimum.

    With many ties the sparse problem has a whole face of optimal duals. The solution that
    gives mentors as much as possible underpays pairs of a cheap mentee outside the sparse set;
    the one from the mentees' side does the opposite. Their average is optimal too (the face is
    convex) and moves least from round to round, so fewer rows need checking again.

    The mentors' side is found with Bellman-Ford, which also proves the matching optimal (no
    negative cycle). Its mentee duals are then feasible potentials for the mentees' side, whose
    lengths they make non-negative: Dijkstra (compiled, a few milliseconds) finds that side.
    """
    rows, cols = edges.rows, edges.cols
    mentor_of = np.full(width, -1, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    mentor_of[mate[matched]] = matched
    mate_weight = np.zeros(height)
    mate_weight[matched] = edges.weights[
        np.searchsorted(edges.keys, matched * width + mate[matched])
    ]
    mentee_weight = np.zeros(width)
    mentee_weight[mate[matched]] = mate_weight[matched]
    likely = None
    if earlier is not None:
        # The shortest paths run along pairs nearly tight under the duals of the round before.
        slack = earlier.u[rows] + earlier.v[cols] - edges.weights
        likely = slack <= LIKELY_TIGHT_SHARE * float(edges.weights.max(initial=0.0))
    by_mentors = _duals(height, width, rows, cols, edges.weights, mate, mate_weight, likely=likely)
    if by_mentors is None:
        return None
    u_high, v_low = by_mentors
    by_mentees = _duals(
        width, height, cols, rows, edges.weights, mentor_of, mentee_weight, potential=v_low
    )
    if by_mentees is None:
        return None
    v_high, u_low = by_mentees
    return Duals(u=(u_high + u_low) / 2, v=(v_low + v_high) / 2)


def _duals(
    height: int,
    width: int,
    rows: Index,
    cols: Index,
    weights: Vector,
    mate: Index,
    mate_weight: Vector,
    potential: Vector | None = None,
    likely: BoolMatrix | None = None,
) -> tuple[Vector, Vector] | None:
    """The optimal duals that give the rows the most, or None if the matching is not optimal.

    Complementary slackness fixes v[j] = w[mate, j] - u[mate] for a matched column and v[j] = 0
    for an unmatched one, and u[i] = 0 for an unmatched row. What is left are difference
    constraints between rows (u[k] - u[i] <= w[k, j] - w[i, j] when j is k's mate), solved as
    shortest distances from a root standing for "0". A negative cycle means the matching could
    be improved; the search is bounded, so a bad input ends in None, never in a loop. With a
    `potential` (optimal duals of the rows, from the other side) the lengths are made
    non-negative and Dijkstra answers instead.
    """
    root = height
    mentor_of = np.full(width, -1, dtype=np.int64)
    matched = np.flatnonzero(mate >= 0)
    mentor_of[mate[matched]] = matched
    other = mentor_of[cols]
    to_row = (other >= 0) & (other != rows)
    # u[i] >= w[i, j] for an unmatched column j, and u[i] >= 0: one edge to the root each.
    floor = np.zeros(height)
    free = other < 0
    np.minimum.at(floor, rows[free], -weights[free])
    sources = np.concatenate((rows[to_row], np.arange(height), np.full(height, root)))
    targets = np.concatenate((other[to_row], np.full(height, root), np.arange(height)))
    # u[k] <= w[k, mate] keeps v >= 0; an unmatched row's u is pinned to 0.
    lengths = np.concatenate((mate_weight[other[to_row]] - weights[to_row], floor, mate_weight))
    if potential is None:
        guess = None
        if likely is not None:  # the edges to the root are few and all count
            guess = np.concatenate((likely[to_row], np.ones(2 * height, dtype=np.bool_)))
        distance = _shortest_from(root, height + 1, sources, targets, lengths, guess)
    else:
        distance = _shortest_with_potential(
            root, height + 1, sources, targets, lengths, np.append(potential, 0.0)
        )
    if distance is None or distance[root] < -TOLERANCE:
        return None
    u = distance[:height]
    v = np.zeros(width)
    paired = mentor_of >= 0
    v[paired] = mate_weight[mentor_of[paired]] - u[mentor_of[paired]]
    if (u < -TOLERANCE).any() or (v < -TOLERANCE).any():
        return None
    return u, v


def _shortest_with_potential(
    root: int, nodes: int, sources: Index, targets: Index, lengths: Vector, potential: Vector
) -> Vector | None:
    """Shortest distances from `root` by Dijkstra on the lengths reduced by a feasible
    potential, or None if the potential is not feasible (beyond rounding)."""
    potential = potential - potential[root]
    reduced = lengths + potential[sources] - potential[targets]
    if len(reduced) and float(reduced.min()) < -TOLERANCE:
        return None
    # Rounding below 0 is cut off: Dijkstra needs lengths >= 0 (explicit zeros are edges).
    np.maximum(reduced, 0.0, out=reduced)
    found = dijkstra(_adjacency(nodes, sources, targets, reduced), directed=True, indices=root)
    distance: Vector = np.asarray(found, dtype=np.float64) + potential
    return distance


def _adjacency(nodes: int, sources: Index, targets: Index, lengths: Vector) -> sparse.csr_matrix:
    """The edges (at most one per source and target) as compressed rows, laid out directly:
    scipy's conversion from (source, target) pairs sorts and sums duplicates, five times
    the time of the search itself here."""
    order = np.argsort(_narrow(sources, nodes), kind="stable")
    starts = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(sources, minlength=nodes), out=starts[1:])
    return sparse.csr_matrix((lengths[order], targets[order], starts), shape=(nodes, nodes))


def _shortest_from(
    root: int,
    nodes: int,
    sources: Index,
    targets: Index,
    lengths: Vector,
    likely: BoolMatrix | None = None,
) -> Vector | None:
    """Shortest distances from `root` by Bellman-Ford, or None on a negative cycle.

    With `likely` (the edges likely on the shortest paths), those edges alone are relaxed
    first: a fifth of the edges for the same number of rounds. Their distances are lengths of
    real paths, so they bound the true ones from above, and relaxing every edge from there
    (all nodes in the first round) ends at the true distances, in a few rounds when the
    guess was good (10 instead of 118 on the benchmark's second round).
    """
    distance = np.full(nodes, np.inf)
    distance[root] = 0.0
    frontier = np.array([root])
    if likely is not None:
        found = _relax(nodes, sources[likely], targets[likely], lengths[likely], distance, frontier)
        if found is None:
            return None
        distance, frontier = found, np.flatnonzero(np.isfinite(found))
    return _relax(nodes, sources, targets, lengths, distance, frontier)


def _relax(
    nodes: int,
    sources: Index,
    targets: Index,
    lengths: Vector,
    distance: Vector,
    frontier: Index,
) -> Vector | None:
    """Bellman-Ford from `distance`, relaxing only the edges of nodes whose distance changed
    in the round before (`frontier` in the first), or None on a negative cycle."""
    order = np.argsort(_narrow(sources, nodes), kind="stable")
    sources, targets, lengths = sources[order], targets[order], lengths[order]
    starts = np.searchsorted(sources, np.arange(nodes + 1))
    for _ in range(nodes + 1):
        first, counts = starts[frontier], starts[frontier + 1] - starts[frontier]
        total = int(counts.sum())
        if total == 0:
            return distance
        edge = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(total)
        relaxed = distance.copy()
        np.minimum.at(relaxed, targets[edge], distance[sources[edge]] + lengths[edge])
        # Improvements below the tolerance are rounding noise, not a shorter path.
        frontier = np.flatnonzero(relaxed < distance - TOLERANCE)
        distance = relaxed
    return None
