"""Hard constraints, one pair at a time: the reference the vectorised matrix is tested against."""

from __future__ import annotations

from domain.matching.context import PairContext
from domain.matching.hours import overlap_minutes
from domain.matching.model import Candidate, ProgrammeFormat, Violation


def violations(mentor: Candidate, mentee: Candidate, context: PairContext) -> tuple[Violation, ...]:
    """Every hard constraint the pair breaks, in a fixed order (empty when acceptable)."""
    problem = context.problem
    found: list[Violation] = []
    if mentor.person_id == mentee.person_id:
        found.append(Violation.SELF_PAIR)
    # Reporting lines apply inside an organisation; between organisations there are none.
    same_organisation = mentor.organisation == mentee.organisation
    if same_organisation and context.lines.related(mentor.person_id, mentee.person_id):
        found.append(Violation.REPORTING_LINE)
    if frozenset((mentor.person_id, mentee.person_id)) in context.exclusions:
        found.append(Violation.EXCLUDED)
    overlap = overlap_minutes(context.window(mentor), context.window(mentee))
    if overlap < problem.constraints.min_overlap_minutes:
        found.append(Violation.WORKING_HOURS)
    if problem.constraints.require_shared_language and not (
        set(mentor.languages) & set(mentee.languages)
    ):
        found.append(Violation.NO_SHARED_LANGUAGE)
    # The point of reverse mentoring is that the more junior person teaches.
    if problem.format is ProgrammeFormat.REVERSE and mentor.career_level >= mentee.career_level:
        found.append(Violation.SENIORITY)
    if (mentor.person_id, mentee.person_id) in context.occupied:
        found.append(Violation.ALREADY_PAIRED)
    if not problem.constraints.organisations_allowed(mentor.organisation, mentee.organisation):
        found.append(Violation.ORGANISATIONS)
    return tuple(found)


VIOLATION_TEXT: dict[Violation, str] = {
    Violation.SELF_PAIR: "the same person",
    Violation.REPORTING_LINE: "one is in the other's management chain",
    Violation.EXCLUDED: "explicitly excluded",
    Violation.WORKING_HOURS: "working hours overlap too little",
    Violation.NO_SHARED_LANGUAGE: "no shared language",
    Violation.SENIORITY: "mentor is not less senior than the mentee",
    Violation.ALREADY_PAIRED: "already paired",
    Violation.ORGANISATIONS: "the programme's organisation rule excludes this combination",
}
