"""The greedy baseline: best-scoring acceptable pair first, until nobody has places left.

Only there to show what the optimal assignment gains; never used to propose pairs.
"""

from __future__ import annotations

import numpy as np

from domain.matching.assignment import Capacity, Pairs
from domain.matching.matrix import PairMatrix

CHUNK = 200_000


def greedy_pairs(matrix: PairMatrix, mentor_capacity: Capacity, mentee_capacity: Capacity) -> Pairs:
    mentor_left = mentor_capacity.copy()
    mentee_left = mentee_capacity.copy()
    candidates = np.flatnonzero(matrix.feasible.ravel())
    flat = matrix.weights.ravel()[candidates]
    # Stable sort on the negated score: ties go to the lower index, so the result is repeatable.
    order = candidates[np.argsort(-flat, kind="stable")]
    width = matrix.weights.shape[1]
    chosen: Pairs = []
    for start in range(0, len(order), CHUNK):
        if not (mentor_left > 0).any() or not (mentee_left > 0).any():
            break
        block = order[start : start + CHUNK]
        rows, cols = np.divmod(block, width)
        # Most pairs in a late block involve someone already full: drop them without a loop.
        open_ = (mentor_left[rows] > 0) & (mentee_left[cols] > 0)
        for row, col in zip(rows[open_].tolist(), cols[open_].tolist(), strict=True):
            if mentor_left[row] > 0 and mentee_left[col] > 0:
                mentor_left[row] -= 1
                mentee_left[col] -= 1
                chosen.append((row, col))
    return sorted(chosen)
