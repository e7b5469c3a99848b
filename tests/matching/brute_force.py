"""The optimum by exhaustive search: the reference the assignment solver must equal."""

from __future__ import annotations

from domain.matching.constraints import violations
from domain.matching.context import PairContext
from domain.matching.model import MatchingProblem
from domain.matching.scoring import pair_score
from domain.matching.sides import split_sides


def brute_force_optimum(problem: MatchingProblem) -> float:
    sides = split_sides(problem)
    context = PairContext.of(problem)
    edges = [
        (i, j, pair_score(mentor, mentee, problem.weights, problem.format))
        for i, mentor in enumerate(sides.mentors)
        for j, mentee in enumerate(sides.mentees)
        if not violations(mentor, mentee, context)
    ]
    mentor_left = list(sides.mentor_capacity)
    mentee_left = list(sides.mentee_capacity)

    def best(k: int) -> float:
        if k == len(edges):
            return 0.0
        without = best(k + 1)
        i, j, score = edges[k]
        if mentor_left[i] == 0 or mentee_left[j] == 0:
            return without
        mentor_left[i] -= 1
        mentee_left[j] -= 1
        with_it = score + best(k + 1)
        mentor_left[i] += 1
        mentee_left[j] += 1
        return max(with_it, without)

    return best(0)
