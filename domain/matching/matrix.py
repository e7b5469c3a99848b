"""The whole problem as arrays: feasibility and score of every mentor x mentee at once.

25 million pairs (5,000 x 5,000) cannot be scored one by one in Python within seconds, so the
criteria become set-incidence matrix products and broadcasts. `constraints.violations` and
`scoring.contributions` remain the reference: tests check that both agree on every pair.

Imports numpy: never import this module from workflow code (see docs/architecture.md, sandbox).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.matching.context import PairContext
from domain.matching.hours import overlap_minutes
from domain.matching.model import Candidate, MatchingProblem, ProgrammeFormat, Violation
from domain.matching.sides import Sides

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]
IntVector = npt.NDArray[np.int64]

SPARSE = (
    Violation.SELF_PAIR,
    Violation.REPORTING_LINE,
    Violation.EXCLUDED,
    Violation.ALREADY_PAIRED,
)


@dataclass(frozen=True)
class PairMatrix:
    feasible: BoolMatrix
    # Score where feasible, 0 elsewhere: an infeasible "pair" is the same as no pair.
    weights: FloatMatrix
    # Per hard constraint, the pairs it rules out (for "why not" explanations).
    blocked_by: dict[Violation, BoolMatrix]


def build_matrix(problem: MatchingProblem, sides: Sides, context: PairContext) -> PairMatrix:
    mentors, mentees = sides.mentors, sides.mentees
    blocked = _blocked(problem, mentors, mentees, context)
    # In place: at 5,000 x 5,000 every temporary array costs a visible fraction of a second.
    feasible = np.logical_or(
        blocked[Violation.WORKING_HOURS], blocked[Violation.NO_SHARED_LANGUAGE]
    )
    np.logical_or(feasible, blocked[Violation.SENIORITY], out=feasible)
    np.logical_or(feasible, blocked[Violation.ORGANISATIONS], out=feasible)
    np.logical_not(feasible, out=feasible)
    for violation in SPARSE:
        # These masks have a few cells set: clear those instead of sweeping 25 million.
        feasible[np.nonzero(blocked[violation])] = False
    weights = _scores(problem, mentors, mentees)
    np.multiply(weights, feasible, out=weights)
    return PairMatrix(feasible=feasible, weights=weights, blocked_by=blocked)


# -- hard constraints -------------------------------------------------------------------------


def _blocked(
    problem: MatchingProblem,
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    context: PairContext,
) -> dict[Violation, BoolMatrix]:
    shape = (len(mentors), len(mentees))
    mentor_index = {c.person_id: i for i, c in enumerate(mentors)}
    mentee_index = {c.person_id: j for j, c in enumerate(mentees)}
    blocked: dict[Violation, BoolMatrix] = {}

    same = np.zeros(shape, dtype=np.bool_)
    for i, person in enumerate(mentors):
        if person.person_id in mentee_index:
            same[i, mentee_index[person.person_id]] = True
    blocked[Violation.SELF_PAIR] = same

    related = np.zeros(shape, dtype=np.bool_)
    for i, person in enumerate(mentors):
        for boss in context.lines.chain(person.person_id):
            if boss in mentee_index:
                related[i, mentee_index[boss]] = True
    for j, person in enumerate(mentees):
        for boss in context.lines.chain(person.person_id):
            if boss in mentor_index:
                related[mentor_index[boss], j] = True
    organisations = _organisation_codes(mentors, mentees)
    # Reporting lines apply inside an organisation only.
    np.logical_and(related, organisations[0][:, None] == organisations[1][None, :], out=related)
    blocked[Violation.REPORTING_LINE] = related
    blocked[Violation.ORGANISATIONS] = _organisations_blocked(problem, mentors, mentees)

    blocked[Violation.EXCLUDED] = _pairs_mask(
        shape,
        mentor_index,
        mentee_index,
        [(pair.first_id, pair.second_id) for pair in problem.exclusions],
        both_ways=True,
    )
    blocked[Violation.WORKING_HOURS] = _short_overlap(problem, mentors, mentees, context)
    if problem.constraints.require_shared_language:
        blocked[Violation.NO_SHARED_LANGUAGE] = _no_shared_language(mentors, mentees)
    else:
        blocked[Violation.NO_SHARED_LANGUAGE] = np.zeros(shape, dtype=np.bool_)
    if problem.format is ProgrammeFormat.REVERSE:
        levels_m = np.array([c.career_level for c in mentors], dtype=np.int64)
        levels_e = np.array([c.career_level for c in mentees], dtype=np.int64)
        blocked[Violation.SENIORITY] = levels_m[:, None] >= levels_e[None, :]
    else:
        blocked[Violation.SENIORITY] = np.zeros(shape, dtype=np.bool_)
    blocked[Violation.ALREADY_PAIRED] = _pairs_mask(
        shape,
        mentor_index,
        mentee_index,
        [(p.mentor_id, p.mentee_id) for p in problem.occupied],
        both_ways=False,
    )
    return blocked


def _organisation_codes(
    mentors: Sequence[Candidate], mentees: Sequence[Candidate]
) -> tuple[IntVector, IntVector]:
    names = _vocabulary([[c.organisation for c in (*mentors, *mentees)]])
    return (
        np.array([names[c.organisation] for c in mentors], dtype=np.int64),
        np.array([names[c.organisation] for c in mentees], dtype=np.int64),
    )


def _organisations_blocked(
    problem: MatchingProblem, mentors: Sequence[Candidate], mentees: Sequence[Candidate]
) -> BoolMatrix:
    """The programme's organisation rule, decided once per combination of two organisations
    (a handful), then spread over the pairs."""
    rule = problem.constraints
    names = sorted({c.organisation for c in (*mentors, *mentees)})
    code = {name: k for k, name in enumerate(names)}
    allowed = np.array(
        [[rule.organisations_allowed(a, b) for b in names] for a in names], dtype=np.bool_
    ).reshape(len(names), len(names))
    rows = np.array([code[c.organisation] for c in mentors], dtype=np.int64)
    cols = np.array([code[c.organisation] for c in mentees], dtype=np.int64)
    return np.logical_not(allowed[rows[:, None], cols[None, :]])


def _pairs_mask(
    shape: tuple[int, int],
    mentor_index: dict[str, int],
    mentee_index: dict[str, int],
    pairs: Sequence[tuple[str, str]],
    *,
    both_ways: bool,
) -> BoolMatrix:
    mask = np.zeros(shape, dtype=np.bool_)
    for first, second in pairs:
        orders = ((first, second), (second, first)) if both_ways else ((first, second),)
        for mentor_id, mentee_id in orders:
            if mentor_id in mentor_index and mentee_id in mentee_index:
                mask[mentor_index[mentor_id], mentee_index[mentee_id]] = True
    return mask


def _no_shared_language(mentors: Sequence[Candidate], mentees: Sequence[Candidate]) -> BoolMatrix:
    # Few distinct sets of languages exist: compare those, then gather.
    sets: dict[frozenset[str], int] = {}

    def codes(people: Sequence[Candidate]) -> IntVector:
        return np.array(
            [sets.setdefault(frozenset(c.languages), len(sets)) for c in people], dtype=np.int64
        )

    mentor_codes, mentee_codes = codes(mentors), codes(mentees)
    distinct = list(sets)
    table = np.array([[not (a & b) for b in distinct] for a in distinct], dtype=np.bool_)
    table = table.reshape(len(distinct), len(distinct))
    return table[mentor_codes[:, None], mentee_codes[None, :]]


def _short_overlap(
    problem: MatchingProblem,
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    context: PairContext,
) -> BoolMatrix:
    # Few distinct windows exist (zones x office hours): compare those, then gather.
    windows: dict[tuple[int, int], int] = {}

    def codes(people: Sequence[Candidate]) -> IntVector:
        return np.array(
            [windows.setdefault(context.window(c), len(windows)) for c in people], dtype=np.int64
        )

    mentor_codes, mentee_codes = codes(mentors), codes(mentees)
    distinct = list(windows)
    table = np.array(
        [[overlap_minutes(a, b) for b in distinct] for a in distinct], dtype=np.int64
    ).reshape(len(distinct), len(distinct))
    too_short = table < problem.constraints.min_overlap_minutes
    return too_short[mentor_codes[:, None], mentee_codes[None, :]]


# -- soft score -------------------------------------------------------------------------------


def _scores(
    problem: MatchingProblem, mentors: Sequence[Candidate], mentees: Sequence[Candidate]
) -> FloatMatrix:
    """Criteria added in the order `scoring.contributions` adds them, into one reused buffer."""
    weights = problem.weights
    shape = (len(mentors), len(mentees))
    score = np.empty(shape, dtype=np.float64)
    _skills(problem.format, mentors, mentees, score)
    # base + w * skills: float addition commutes exactly, so this equals the reference's order.
    np.multiply(score, weights.skills, out=score)
    np.add(score, weights.base, out=score)
    part = np.empty(shape, dtype=np.float64)
    departments = _vocabulary([c.department] for c in (*mentors, *mentees))
    dept_m = np.array([departments[c.department] for c in mentors], dtype=np.int64)
    dept_e = np.array([departments[c.department] for c in mentees], dtype=np.int64)
    # A criterion weighted 0 adds exactly 0.0 to every cell: not worth computing.
    if weights.cross_department:
        np.not_equal(dept_m[:, None], dept_e[None, :], out=part)
        _accumulate(score, part, weights.cross_department)
    if weights.interests:
        _jaccard(mentors, mentees, part)
        _accumulate(score, part, weights.interests)
    if weights.diversity:
        _diversity(mentors, mentees, part)
        _accumulate(score, part, weights.diversity)
    return score


def _accumulate(score: FloatMatrix, part: FloatMatrix, weight: float) -> None:
    # The default weights are 1: skip a 25-million-cell pass where it changes nothing.
    if weight != 1.0:
        np.multiply(part, weight, out=part)
    np.add(score, part, out=score)


def _skills(
    format: ProgrammeFormat,
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    out: FloatMatrix,
) -> None:
    _coverage(mentors, "skills_to_share", mentees, "skills_to_learn", out)
    if format is ProgrammeFormat.MUTUAL:
        backward = np.empty((len(mentees), len(mentors)), dtype=np.float64)
        _coverage(mentees, "skills_to_share", mentors, "skills_to_learn", backward)
        np.add(out, backward.T, out=out)
        np.divide(out, 2, out=out)


def _coverage(
    teachers: Sequence[Candidate],
    offered: str,
    learners: Sequence[Candidate],
    wanted: str,
    out: FloatMatrix,
) -> None:
    """out[t, l] = share of l's wanted tags that t offers (0 when l wants nothing)."""
    vocabulary = _vocabulary(
        [*(getattr(c, offered) for c in teachers), *(getattr(c, wanted) for c in learners)]
    )
    learn = _incidence(learners, wanted, vocabulary)
    # Straight into the float64 buffer: no 25-million-cell temporary to convert.
    np.matmul(_incidence(teachers, offered, vocabulary), learn.T, out=out)
    wanted_count = learn.sum(axis=1)
    np.divide(out, np.maximum(wanted_count, 1.0)[None, :], out=out)


def _jaccard(mentors: Sequence[Candidate], mentees: Sequence[Candidate], out: FloatMatrix) -> None:
    vocabulary = _vocabulary(c.interests for c in (*mentors, *mentees))
    first = _incidence(mentors, "interests", vocabulary)
    second = _incidence(mentees, "interests", vocabulary)
    np.matmul(first, second.T, out=out)
    union = first.sum(axis=1)[:, None] + second.sum(axis=1)
    union -= out
    # Where the union is empty the intersection is too, so dividing by 1 keeps the 0.
    np.maximum(union, 1.0, out=union)
    np.divide(out, union, out=out)


def _diversity(
    mentors: Sequence[Candidate], mentees: Sequence[Candidate], out: FloatMatrix
) -> None:
    keys = sorted({key for c in (*mentors, *mentees) for key in c.diversity})
    out.fill(0.0)
    if not keys:
        return
    shape = (len(mentors), len(mentees))
    known = np.zeros(shape, dtype=np.int8)
    differ = np.zeros(shape, dtype=np.int8)
    for key in keys:
        values: dict[str, int] = {}
        first = _codes(mentors, key, values)
        second = _codes(mentees, key, values)
        both = (first >= 0)[:, None] & (second >= 0)[None, :]
        known += both
        differ += both & (first[:, None] != second[None, :])
    np.copyto(out, differ)
    np.divide(out, np.maximum(known, 1), out=out)


def _codes(people: Sequence[Candidate], key: str, values: dict[str, int]) -> IntVector:
    """Each person's value for one attribute as a number; -1 where they did not disclose it."""
    return np.array(
        [
            values.setdefault(c.diversity[key], len(values)) if key in c.diversity else -1
            for c in people
        ],
        dtype=np.int64,
    )


# -- set incidence ----------------------------------------------------------------------------


def _vocabulary(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    vocabulary: dict[str, int] = {}
    for group in groups:
        for tag in group:
            vocabulary.setdefault(tag, len(vocabulary))
    return vocabulary


def _incidence(
    people: Sequence[Candidate], attribute: str, vocabulary: dict[str, int]
) -> FloatMatrix:
    """People x tags, 1 where the person lists the tag (duplicates count once, as sets do)."""
    matrix = np.zeros((len(people), max(1, len(vocabulary))), dtype=np.float64)
    for row, person in enumerate(people):
        for tag in getattr(person, attribute):
            matrix[row, vocabulary[tag]] = 1.0
    return matrix
