"""What the matcher reads and what it proposes.

Candidates carry ids and matching attributes only: names and e-mail addresses stay in the people
directory, so a proposal can travel through workflow payloads and logs without naming anyone.
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from domain.base import DomainModel, Identifier

# Skills, interests, languages and departments are compared by equality, so they are folded to
# one spelling once, here, instead of in every comparison.
# The one organisation of single-organisation deployments.
DEFAULT_ORGANISATION = "default"

Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=80)
]
TagList = Annotated[tuple[Tag, ...], Field(max_length=50)]


class RolePreference(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    EITHER = "either"


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class ProgrammeFormat(StrEnum):
    """Reverse: the junior teaches the senior. Mutual: both directions from the start."""

    REVERSE = "reverse"
    MUTUAL = "mutual"


class Candidate(DomainModel):
    person_id: Identifier
    department: Tag
    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    time_zone: str = "UTC"
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 30)
    languages: TagList
    manager_id: Identifier | None = None
    career_level: int = Field(ge=0, le=100)
    role_preference: RolePreference = RolePreference.EITHER
    skills_to_share: TagList = ()
    skills_to_learn: TagList = ()
    interests: TagList = ()
    # Only present when the person consented; never shown in explanations, only counted.
    diversity: dict[Tag, Tag] = Field(default_factory=dict, max_length=10)
    capacity: int = Field(default=1, ge=0, le=10)
    # Set by the import from the importing organisation, never by the roster line itself.
    organisation: Tag = DEFAULT_ORGANISATION

    @model_validator(mode="after")
    def _hours_do_not_span_midnight(self) -> Self:
        if self.working_hours_start >= self.working_hours_end:
            raise ValueError("working hours must start before they end")
        return self


class MatchingWeights(DomainModel):
    """Points per criterion; each criterion's value is in [0, 1] and multiplied by its weight."""

    # Every acceptable pair is worth this much, so the optimiser prefers matching one more person
    # over polishing the score of fewer pairs.
    base: float = Field(default=1.0, ge=0, le=100)
    skills: float = Field(default=3.0, ge=0, le=100)
    cross_department: float = Field(default=1.0, ge=0, le=100)
    interests: float = Field(default=1.0, ge=0, le=100)
    diversity: float = Field(default=1.0, ge=0, le=100)


class OrganisationPair(DomainModel):
    """Two organisations whose people are never paired (for example two competitors)."""

    first: Tag
    second: Tag

    def key(self) -> frozenset[str]:
        return frozenset((self.first, self.second))


class MatchingConstraints(DomainModel):
    min_overlap_minutes: int = Field(default=60, ge=0, le=24 * 60)
    require_shared_language: bool = True
    # The day whose UTC offsets decide working-hours overlap (offsets move with daylight saving).
    reference_date: str = Field(default="2025-01-15", pattern=r"^\d{4}-\d{2}-\d{2}$")
    # Whether a pair must join two organisations, may, or must stay inside one.
    cross_organisation: Literal["must", "may", "must_not"] = "may"
    excluded_organisation_pairs: tuple[OrganisationPair, ...] = Field(default=(), max_length=100)

    def organisations_allowed(self, first: str, second: str) -> bool:
        crosses = first != second
        if self.cross_organisation == "must" and not crosses:
            return False
        if self.cross_organisation == "must_not" and crosses:
            return False
        return not any(pair.key() == {first, second} for pair in self.excluded_organisation_pairs)


class PersonPair(DomainModel):
    """An unordered pair of people, e.g. an explicit exclusion."""

    first_id: Identifier
    second_id: Identifier

    def key(self) -> frozenset[str]:
        return frozenset((self.first_id, self.second_id))


class MatchPair(DomainModel):
    mentor_id: Identifier
    mentee_id: Identifier


class MatchingProblem(DomainModel):
    format: ProgrammeFormat = ProgrammeFormat.REVERSE
    candidates: tuple[Candidate, ...]
    weights: MatchingWeights = MatchingWeights()
    constraints: MatchingConstraints = MatchingConstraints()
    # Managers of people outside the candidate pool, so the whole chain is known.
    reporting_lines: dict[str, str] = Field(default_factory=dict)
    exclusions: tuple[PersonPair, ...] = ()
    # Pairs already running: they use capacity and are not proposed again.
    occupied: tuple[MatchPair, ...] = ()

    @model_validator(mode="after")
    def _one_entry_per_person(self) -> Self:
        seen: set[str] = set()
        for candidate in self.candidates:
            if candidate.person_id in seen:
                raise ValueError(f"{candidate.person_id} appears twice among the candidates")
            seen.add(candidate.person_id)
        return self


class Criterion(StrEnum):
    BASE = "base"
    SKILLS = "skills"
    CROSS_DEPARTMENT = "cross_department"
    INTERESTS = "interests"
    DIVERSITY = "diversity"


class Contribution(DomainModel):
    criterion: Criterion
    weight: float
    value: float = Field(ge=0, le=1)
    points: float
    detail: str


class ProposedPair(DomainModel):
    mentor_id: Identifier
    mentee_id: Identifier
    score: float
    contributions: tuple[Contribution, ...]
    # The two people come from different organisations (explanations say so).
    crosses_organisations: bool = False


class Violation(StrEnum):
    """A hard constraint; any one of them rules a pair out."""

    SELF_PAIR = "self_pair"
    REPORTING_LINE = "reporting_line"
    EXCLUDED = "excluded"
    WORKING_HOURS = "working_hours"
    NO_SHARED_LANGUAGE = "no_shared_language"
    SENIORITY = "seniority"
    ALREADY_PAIRED = "already_paired"
    ORGANISATIONS = "organisations"


class UnmatchedReason(DomainModel):
    code: str
    detail: str


class UnmatchedPerson(DomainModel):
    person_id: Identifier
    side: Side
    reasons: tuple[UnmatchedReason, ...]


class MatchingResult(DomainModel):
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[UnmatchedPerson, ...]
    total_score: float
    method: str = Field(
        description="How the optimum was found: sparse (candidate lists, proven optimal),"
        " assignment (dense) or milp."
    )
