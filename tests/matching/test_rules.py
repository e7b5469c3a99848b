"""Named examples of each hard constraint and of the explanations coordinators read."""

from __future__ import annotations

from datetime import time
from typing import Any

from domain.matching.assignment import match
from domain.matching.constraints import violations
from domain.matching.context import PairContext
from domain.matching.model import (
    Candidate,
    Criterion,
    MatchingProblem,
    PersonPair,
    ProgrammeFormat,
    Violation,
)


def person(person_id: str, **overrides: Any) -> Candidate:
    values: dict[str, Any] = {
        "person_id": person_id,
        "department": "it",
        "languages": ("en",),
        "career_level": 2,
        "role_preference": "mentor",
    }
    values.update(overrides)
    return Candidate.model_validate(values)


def broken(mentor: Candidate, mentee: Candidate, **problem: Any) -> tuple[Violation, ...]:
    built = MatchingProblem(candidates=(mentor, mentee), **problem)
    return violations(mentor, mentee, PairContext.of(built))


def senior(person_id: str, **overrides: Any) -> Candidate:
    return person(person_id, career_level=8, role_preference="mentee", **overrides)


def test_a_mentor_anywhere_under_the_mentee_is_ruled_out() -> None:
    mentor = person("jr", manager_id="mid")
    # The middle manager is not in the programme, but the chain still reaches the mentee.
    problem = {"reporting_lines": {"mid": "boss"}}
    assert Violation.REPORTING_LINE in broken(mentor, senior("boss"), **problem)
    assert Violation.REPORTING_LINE not in broken(mentor, senior("other"), **problem)


def test_reverse_mentoring_needs_a_less_senior_mentor_but_mutual_does_not() -> None:
    mentor = person("a", career_level=8)
    assert Violation.SENIORITY in broken(mentor, senior("b"))
    assert Violation.SENIORITY not in broken(mentor, senior("b"), format=ProgrammeFormat.MUTUAL)


def test_time_zones_without_enough_overlap_are_ruled_out() -> None:
    paris = person("a", time_zone="Europe/Paris")
    tokyo = senior("b", time_zone="Asia/Tokyo", working_hours_end=time(17, 0))
    assert Violation.WORKING_HOURS in broken(paris, tokyo)


def test_no_shared_language_and_explicit_exclusions_are_ruled_out() -> None:
    assert Violation.NO_SHARED_LANGUAGE in broken(person("a"), senior("b", languages=("fr",)))
    exclusion = (PersonPair(first_id="b", second_id="a"),)
    assert Violation.EXCLUDED in broken(person("a"), senior("b"), exclusions=exclusion)


def test_pairs_say_what_each_criterion_contributed() -> None:
    mentor = person("a", skills_to_share=("social media", "ai"), interests=("chess",))
    mentee = senior("b", department="finance", skills_to_learn=("ai",), interests=("chess",))
    (pair,) = match(MatchingProblem(candidates=(mentor, mentee))).pairs
    points = {c.criterion: c.points for c in pair.contributions}
    assert points == {
        Criterion.BASE: 1.0,
        Criterion.SKILLS: 3.0,
        Criterion.CROSS_DEPARTMENT: 1.0,
        Criterion.INTERESTS: 1.0,
        Criterion.DIVERSITY: 0.0,
    }
    assert "ai" in next(c.detail for c in pair.contributions if c.criterion is Criterion.SKILLS)


def test_unmatched_people_are_told_why() -> None:
    mentor = person("a", languages=("fr",))
    result = match(MatchingProblem(candidates=(mentor, senior("b"), senior("c"))))
    reasons = {u.person_id: u.reasons[0] for u in result.unmatched}
    assert reasons["a"].code == "no_acceptable_partner"
    assert "no shared language" in reasons["a"].detail
    assert reasons["b"].code == "no_acceptable_partner"
