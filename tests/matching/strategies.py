"""Small random matching problems: small enough to brute-force, varied enough to find bugs."""

from __future__ import annotations

from datetime import time

from hypothesis import strategies as st

from domain.matching.model import (
    Candidate,
    MatchingConstraints,
    MatchingProblem,
    MatchingWeights,
    MatchPair,
    OrganisationPair,
    PersonPair,
    ProgrammeFormat,
    RolePreference,
)

TAGS = ("a", "b", "c", "d")
ORGANISATIONS = ("default", "acme", "globex")
ZONES = ("UTC", "Europe/Paris", "Asia/Tokyo", "America/New_York")
tags = st.lists(st.sampled_from(TAGS), max_size=3).map(tuple)


@st.composite
def candidates(draw: st.DrawFn, person_id: str, others: list[str]) -> Candidate:
    start = draw(st.sampled_from((time(7), time(9), time(13))))
    return Candidate(
        person_id=person_id,
        department=draw(st.sampled_from(("x", "y"))),
        time_zone=draw(st.sampled_from(ZONES)),
        working_hours_start=start,
        working_hours_end=time(start.hour + 8),
        languages=draw(st.lists(st.sampled_from(("en", "fr")), min_size=1, max_size=2).map(tuple)),
        manager_id=draw(st.none() | st.sampled_from(others)) if others else None,
        career_level=draw(st.integers(1, 6)),
        role_preference=draw(st.sampled_from(list(RolePreference))),
        skills_to_share=draw(tags),
        skills_to_learn=draw(tags),
        interests=draw(tags),
        diversity=draw(
            st.dictionaries(st.sampled_from(("g", "h")), st.sampled_from(("1", "2")), max_size=2)
        ),
        capacity=draw(st.integers(0, 2)),
        organisation=draw(st.sampled_from(ORGANISATIONS)),
    )


@st.composite
def problems(draw: st.DrawFn, max_people: int = 7) -> MatchingProblem:
    count = draw(st.integers(0, max_people))
    ids = [f"p{n}" for n in range(count)]
    people = [draw(candidates(pid, [o for o in ids if o != pid])) for pid in ids]
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)) if ids else st.nothing()
    exclusions = draw(st.lists(pairs, max_size=3)) if ids else []
    occupied = draw(st.lists(pairs, max_size=2, unique=True)) if ids else []
    return MatchingProblem(
        format=draw(st.sampled_from(list(ProgrammeFormat))),
        candidates=tuple(people),
        weights=MatchingWeights(
            base=draw(st.sampled_from((0.0, 1.0))),
            skills=draw(st.sampled_from((0.0, 1.0, 3.0))),
            cross_department=draw(st.sampled_from((0.0, 0.5))),
            interests=draw(st.sampled_from((0.0, 1.0))),
            diversity=draw(st.sampled_from((0.0, 2.0))),
        ),
        constraints=MatchingConstraints(
            min_overlap_minutes=draw(st.sampled_from((0, 60, 240))),
            require_shared_language=draw(st.booleans()),
            cross_organisation=draw(st.sampled_from(("must", "may", "must_not"))),
            excluded_organisation_pairs=tuple(
                OrganisationPair(first=a, second=b)
                for a, b in draw(
                    st.lists(
                        st.tuples(st.sampled_from(ORGANISATIONS), st.sampled_from(ORGANISATIONS)),
                        max_size=1,
                    )
                )
            ),
        ),
        exclusions=tuple(PersonPair(first_id=a, second_id=b) for a, b in exclusions),
        occupied=tuple(MatchPair(mentor_id=a, mentee_id=b) for a, b in occupied if a != b),
    )
