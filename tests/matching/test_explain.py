"""Every proposed pair is explained exactly as the per-pair reference explains it.

`explain` builds the contributions of thousands of pairs at once from the rule arrays; a
coordinator must read the same criteria, values, points and text as `scoring.contributions`
gives for the two people alone.
"""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import HealthCheck, given, settings

from domain.matching.assignment import match
from domain.matching.model import (
    Candidate,
    MatchingProblem,
    MatchingResult,
    MatchingWeights,
    ProgrammeFormat,
    RolePreference,
)
from domain.matching.scoring import contributions
from tests.matching.strategies import problems

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_explained_as_the_reference(problem: MatchingProblem, result: MatchingResult) -> None:
    people = {c.person_id: c for c in problem.candidates}
    for pair in result.pairs:
        mentor, mentee = people[pair.mentor_id], people[pair.mentee_id]
        assert pair.contributions == contributions(mentor, mentee, problem.weights, problem.format)
        # The very same float: the points added one by one, in order.
        assert pair.score == sum([part.points for part in pair.contributions])
        assert pair.crosses_organisations == (mentor.organisation != mentee.organisation)
    assert result.total_score == sum(pair.score for pair in result.pairs)


@SETTINGS
@given(problems())
def test_every_pair_is_explained_as_the_reference_explains_it(problem: MatchingProblem) -> None:
    assert_explained_as_the_reference(problem, match(problem))


def many_tags_roster(count: int) -> tuple[Candidate, ...]:
    """More than 64 distinct skills and interests (tag sets span several words), with some
    people wanting nothing, sharing nothing, or disclosing nothing."""
    people = []
    for n in range(count):
        mentor = n % 2 == 0
        people.append(
            Candidate(
                person_id=f"p{n:03d}",
                department=f"d{n % 3}",
                languages=("en",),
                career_level=1 if mentor else 5,
                role_preference=RolePreference.MENTOR if mentor else RolePreference.MENTEE,
                working_hours_start=time(9),
                working_hours_end=time(17),
                skills_to_share=tuple(f"skill {(n * 7 + k) % 90:02d}" for k in range(n % 6)),
                skills_to_learn=tuple(f"skill {(n * 11 + k) % 90:02d}" for k in range(n % 5)),
                interests=tuple(f"interest {(n * 13 + k) % 80:02d}" for k in range(n % 7)),
                diversity={"gender": "abc"[n % 3], "generation": "xy"[n % 2]} if n % 4 else {},
            )
        )
    return tuple(people)


@pytest.mark.parametrize("format", list(ProgrammeFormat))
def test_pairs_over_many_tags_are_explained_as_the_reference(format: ProgrammeFormat) -> None:
    problem = MatchingProblem(
        format=format,
        candidates=many_tags_roster(160),
        weights=MatchingWeights(interests=2.0, diversity=0.5),
    )
    result = match(problem)
    assert len(result.pairs) == 80
    assert_explained_as_the_reference(problem, result)
