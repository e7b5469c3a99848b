"""A proposal after a coordinator's review: is every pair still acceptable, and who is left out.

Overrides (swap, exclude, force) are applied to the proposal by `domain.programme`; the pairs
that result are checked here against the same hard rules the matcher obeys, so a coordinator
cannot force a pair the matcher would never have proposed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from domain.matching.constraints import VIOLATION_TEXT, violations
from domain.matching.context import PairContext
from domain.matching.explain import proposed_pair
from domain.matching.model import (
    MatchingProblem,
    MatchingResult,
    MatchPair,
    RolePreference,
    Side,
    UnmatchedPerson,
    UnmatchedReason,
)
from domain.matching.sides import split_sides


def review_problems(problem: MatchingProblem, pairs: Sequence[MatchPair]) -> list[str]:
    """Hard constraints, sides and capacity of an edited proposal; empty when all hold."""
    people = {c.person_id: c for c in problem.candidates}
    context = PairContext.of(problem)
    problems: list[str] = []
    load: Counter[str] = Counter(p.mentor_id for p in problem.occupied)
    load.update(p.mentee_id for p in problem.occupied)
    for pair in pairs:
        label = f"{pair.mentor_id} -> {pair.mentee_id}"
        mentor, mentee = people.get(pair.mentor_id), people.get(pair.mentee_id)
        if mentor is None or mentee is None:
            problems.append(f"{label}: both people must be enrolled in the programme")
            continue
        if mentor.role_preference is RolePreference.MENTEE:
            problems.append(f"{label}: {mentor.person_id} enrolled as a mentee only")
        if mentee.role_preference is RolePreference.MENTOR:
            problems.append(f"{label}: {mentee.person_id} enrolled as a mentor only")
        problems += [f"{label}: {VIOLATION_TEXT[v]}" for v in violations(mentor, mentee, context)]
        load.update((pair.mentor_id, pair.mentee_id))
    for person_id, count in sorted(load.items()):
        if person_id in people and count > people[person_id].capacity:
            problems.append(f"{person_id}: {count} pairs for {people[person_id].capacity} places")
    return problems


def reviewed_result(problem: MatchingProblem, pairs: Sequence[MatchPair]) -> MatchingResult:
    """The reviewed pairs with their scores; people with free places are left out by review.

    Only for pairs `review_problems` accepted: every person in them is a candidate.
    """
    people = {c.person_id: c for c in problem.candidates}
    proposed = tuple(
        proposed_pair(problem, people[p.mentor_id], people[p.mentee_id]) for p in pairs
    )
    paired = {p.mentor_id for p in proposed} | {p.mentee_id for p in proposed}
    sides = split_sides(problem)
    unmatched = tuple(
        UnmatchedPerson(
            person_id=person.person_id,
            side=side,
            reasons=(
                UnmatchedReason(code="left_out_by_review", detail="not in the reviewed proposal"),
            ),
        )
        for side, group, places in (
            (Side.MENTOR, sides.mentors, sides.mentor_capacity),
            (Side.MENTEE, sides.mentees, sides.mentee_capacity),
        )
        for person, free in zip(group, places, strict=True)
        if free > 0 and person.person_id not in paired
    )
    return MatchingResult(
        pairs=proposed,
        unmatched=tuple(sorted(unmatched, key=lambda u: u.person_id)),
        total_score=sum(p.score for p in proposed),
        method="review",
    )
