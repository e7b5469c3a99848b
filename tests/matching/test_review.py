"""A coordinator's edited proposal is held to the matcher's own rules."""

from __future__ import annotations

from typing import Any

from domain.matching.model import Candidate, MatchingProblem, MatchPair
from domain.matching.review import review_problems, reviewed_result


def person(person_id: str, role: str, level: int, **overrides: Any) -> Candidate:
    values: dict[str, Any] = {
        "person_id": person_id,
        "department": "it",
        "languages": ("en",),
        "career_level": level,
        "role_preference": role,
    }
    values.update(overrides)
    return Candidate.model_validate(values)


PROBLEM = MatchingProblem(
    candidates=(
        person("junior-1", "mentor", 2),
        person("junior-2", "mentor", 2),
        person("senior-1", "mentee", 8),
        person("senior-2", "mentee", 8, capacity=2),
    )
)


def test_an_acceptable_edit_passes_and_the_people_it_leaves_out_are_named() -> None:
    pairs = [MatchPair(mentor_id="junior-2", mentee_id="senior-2")]

    assert review_problems(PROBLEM, pairs) == []
    result = reviewed_result(PROBLEM, pairs)
    assert [(p.mentor_id, p.mentee_id) for p in result.pairs] == [("junior-2", "senior-2")]
    assert result.method == "review"
    assert result.total_score == sum(p.score for p in result.pairs)
    left_out = [(u.person_id, u.reasons[0].code) for u in result.unmatched]
    # senior-2 keeps a free place but is in the proposal: not reported as left out.
    assert left_out == [("junior-1", "left_out_by_review"), ("senior-1", "left_out_by_review")]


def test_a_pair_against_the_roles_people_enrolled_in_is_refused() -> None:
    pairs = [MatchPair(mentor_id="senior-1", mentee_id="junior-1")]

    problems = review_problems(PROBLEM, pairs)

    assert "senior-1 -> junior-1: senior-1 enrolled as a mentee only" in problems
    assert "senior-1 -> junior-1: junior-1 enrolled as a mentor only" in problems


def test_someone_outside_the_programme_or_over_capacity_is_refused() -> None:
    pairs = [
        MatchPair(mentor_id="stranger", mentee_id="senior-1"),
        MatchPair(mentor_id="junior-1", mentee_id="senior-1"),
        MatchPair(mentor_id="junior-2", mentee_id="senior-1"),
    ]

    problems = review_problems(PROBLEM, pairs)

    assert problems[0] == "stranger -> senior-1: both people must be enrolled in the programme"
    assert problems[-1] == "senior-1: 2 pairs for 1 places"
