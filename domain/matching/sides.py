"""Who is on which side of the assignment.

People who said "either" are placed so the two sides' capacities come out as even as possible;
in reverse mentoring the more junior of them become mentors, because the programme exists for
juniors to teach seniors. The rule is deterministic and explainable, unlike a coin toss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_

from domain.matching.model import Candidate, MatchingProblem, RolePreference, Side

# Read in C: a key function called once per person.
by_id = attrgetter("person_id")
capacity = attrgetter("capacity")
role_preference = attrgetter("role_preference")


@dataclass(frozen=True)
class Sides:
    mentors: tuple[Candidate, ...]
    mentees: tuple[Candidate, ...]
    # Places left for this run: capacity minus the pairs already running.
    mentor_capacity: tuple[int, ...]
    mentee_capacity: tuple[int, ...]


def split_sides(problem: MatchingProblem) -> Sides:
    used: dict[tuple[str, Side], int] = {}
    for pair in problem.occupied:
        used[(pair.mentor_id, Side.MENTOR)] = used.get((pair.mentor_id, Side.MENTOR), 0) + 1
        used[(pair.mentee_id, Side.MENTEE)] = used.get((pair.mentee_id, Side.MENTEE), 0) + 1
    # Sorted by id: the result must not depend on the order of the roster file.
    people = sorted(problem.candidates, key=by_id)
    preferences = list(map(role_preference, people))
    mentors, mentees, flexible = (
        list(compress(people, map(is_, preferences, repeat(preference))))
        for preference in (RolePreference.MENTOR, RolePreference.MENTEE, RolePreference.EITHER)
    )
    # Someone already paired keeps the side they are paired on, so a rematch never flips them.
    mentors += [c for c in flexible if (c.person_id, Side.MENTOR) in used]
    mentees += [
        c
        for c in flexible
        if (c.person_id, Side.MENTEE) in used and (c.person_id, Side.MENTOR) not in used
    ]
    either = sorted(
        (c for c in flexible if all((c.person_id, side) not in used for side in Side)),
        key=lambda c: (c.career_level, c.person_id),
    )
    split = _balanced_split(mentors, mentees, either)
    mentors = sorted(mentors + either[:split], key=by_id)
    mentees = sorted(mentees + either[split:], key=by_id)

    def places(person: Candidate) -> int:
        # Someone already in a pair on either side has used that much of their capacity.
        taken = used.get((person.person_id, Side.MENTOR), 0) + used.get(
            (person.person_id, Side.MENTEE), 0
        )
        return max(0, person.capacity - taken)

    # With nobody paired yet every place is free (capacities are at least 0): read in C.
    free: Callable[[Candidate], int] = places if used else capacity
    return Sides(
        mentors=tuple(mentors),
        mentees=tuple(mentees),
        mentor_capacity=tuple(map(free, mentors)),
        mentee_capacity=tuple(map(free, mentees)),
    )


def _balanced_split(
    mentors: list[Candidate], mentees: list[Candidate], either: list[Candidate]
) -> int:
    """How many of the most junior 'either' people become mentors."""
    mentor_places = sum(map(capacity, mentors))
    mentee_places = sum(map(capacity, mentees)) + sum(map(capacity, either))
    best, best_gap = 0, abs(mentor_places - mentee_places)
    for count, person in enumerate(either, start=1):
        mentor_places += person.capacity
        mentee_places -= person.capacity
        gap = abs(mentor_places - mentee_places)
        if gap < best_gap:
            best, best_gap = count, gap
    return best
