"""Why each pair was proposed, and why each unmatched person was left out.

Coordinators must be able to defend a proposal to the people in it, so every pair lists each
criterion's contribution, and every unmatched person gets reasons a coordinator can act on
(widen the hours rule, recruit more mentors, lift an exclusion).

A run keeps few Python containers alive at once (about 55,000 for 10,000 people, 20,000 of
them the result itself): tens of thousands more (a tuple or a list per pair, say) would set
off a full pass of Python's cycle collector, which walks every object of the process (0.1 to
0.2 s in a process holding 10,000 candidates) and finds nothing, as nothing here forms a
cycle. So per-pair keys are rows of numpy arrays, and contributions are shared models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from domain.matching.constraints import VIOLATION_TEXT
from domain.matching.matrix import (
    BoolMatrix,
    Disclosures,
    FloatMatrix,
    IntVector,
    PairRules,
    TagSets,
    WordMatrix,
)
from domain.matching.model import (
    Candidate,
    Contribution,
    Criterion,
    MatchingProblem,
    MatchingResult,
    MatchingWeights,
    ProgrammeFormat,
    ProposedPair,
    Side,
    UnmatchedPerson,
    UnmatchedReason,
    Violation,
)
from domain.matching.scoring import (
    FIELDS,
    ContributionValues,
    contribution_values,
)
from domain.matching.sides import Sides


def explain(
    problem: MatchingProblem,
    sides: Sides,
    rules: PairRules,
    pairs: Sequence[tuple[int, int]],
    method: str,
) -> MatchingResult:
    chosen = sorted(pairs)
    rows = np.array([i for i, _ in chosen], dtype=np.int64)
    cols = np.array([j for _, j in chosen], dtype=np.int64)
    mentors = [sides.mentors[i] for i in rows.tolist()]
    mentees = [sides.mentees[j] for j in cols.tolist()]
    weights, format = problem.weights, problem.format
    # In the order of `scoring.contribution_values`, which every explanation follows.
    columns = (
        _base(weights, len(chosen)),
        _skills(weights, format, rules, rows, cols),
        _cross_department(weights, mentors, mentees),
        _interests(weights, rules.interests, rows, cols),
        _diversity(weights, rules.disclosures, rows, cols),
    )
    scores = _scores(columns)
    parts = zip(*(column.per_pair() for column in columns), strict=True)
    # Validated in one call for every pair (pydantic's core loops over the list): half the
    # time of building 5,000 `ProposedPair`s one by one.
    return MatchingResult.model_validate(
        {
            "pairs": [
                {
                    "mentor_id": mentor.person_id,
                    "mentee_id": mentee.person_id,
                    "score": score,
                    "contributions": contributions,
                    "crosses_organisations": mentor.organisation != mentee.organisation,
                }
                for mentor, mentee, score, contributions in zip(
                    mentors, mentees, scores, parts, strict=True
                )
            ],
            "unmatched": _unmatched(sides, rules, pairs),
            "total_score": sum(scores),
            "method": method,
        }
    )


def proposed_pair(
    problem: MatchingProblem,
    mentor: Candidate,
    mentee: Candidate,
    known: dict[ContributionValues, Contribution] | None = None,
) -> ProposedPair:
    """One pair explained from the two people alone (`scoring.contribution_values`, the
    reference that `explain` follows for thousands of pairs at once)."""
    known = {} if known is None else known
    return _proposed(mentor, mentee, problem.weights, problem.format, known)


def _proposed(
    mentor: Candidate,
    mentee: Candidate,
    weights: MatchingWeights,
    format: ProgrammeFormat,
    known: dict[ContributionValues, Contribution],
) -> ProposedPair:
    parts = []
    for values in contribution_values(mentor, mentee, weights, format):
        part = known.get(values)
        if part is None:
            part = known[values] = Contribution(**dict(zip(FIELDS, values, strict=True)))
        parts.append(part)
    return ProposedPair(
        mentor_id=mentor.person_id,
        mentee_id=mentee.person_id,
        score=sum([part.points for part in parts]),
        contributions=tuple(parts),
        crosses_organisations=mentor.organisation != mentee.organisation,
    )


# -- every pair's contributions at once -------------------------------------------------------
#
# Most contributions repeat from pair to pair (every pair's base point, "different
# departments", "shared interests: chess"). Each criterion reduces every pair to a small key
# (the bits of the tags two people share, how many one wants, ...) read from the arrays of
# `PairRules`; each distinct key becomes one `Contribution`, built with the same arithmetic
# and text as `scoring.contribution_values` and shared by every pair that has it. A few
# thousand models instead of 25,000, and no per-pair set or string work.


@dataclass(frozen=True)
class Column:
    """One criterion's contribution to every pair: `distinct[which[k]]` for pair k."""

    distinct: tuple[Contribution, ...]
    which: npt.NDArray[np.intp]

    def per_pair(self) -> list[Contribution]:
        return [self.distinct[k] for k in self.which.tolist()]

    def points(self) -> FloatMatrix:
        points = np.array([part.points for part in self.distinct], dtype=np.float64)
        return points[self.which]


def _scores(columns: Sequence[Column]) -> list[float]:
    """Each pair's score: its contributions' points added in order, as `sum` adds them one
    by one (float64 additions in the same order give the very same numbers)."""
    total = columns[0].points()
    for column in columns[1:]:
        np.add(total, column.points(), out=total)
    scores: list[float] = total.tolist()
    return scores


def _column(
    keys: npt.NDArray[np.integer[Any]], build: Callable[[list[int]], ContributionValues]
) -> Column:
    """The contribution of each distinct row of `keys` (one row per pair), built once.

    The rows are told apart by sorting them (no Python object per pair: thousands of them
    alive at once would set off the cycle collector, see the module's docstring)."""
    if len(keys) == 0:
        return Column(distinct=(), which=np.zeros(0, dtype=np.intp))
    order = np.lexsort(keys.T[::-1])
    ordered = keys[order]
    first = np.ones(len(keys), dtype=np.bool_)
    np.any(ordered[1:] != ordered[:-1], axis=1, out=first[1:])
    which = np.empty(len(keys), dtype=np.intp)
    which[order] = np.cumsum(first) - 1
    parts = tuple(_contribution(build(key)) for key in ordered[first].tolist())
    return Column(distinct=parts, which=which)


def _contribution(values: ContributionValues) -> Contribution:
    return Contribution(**dict(zip(FIELDS, values, strict=True)))


def _base(weights: MatchingWeights, count: int) -> Column:
    part = _contribution(
        (Criterion.BASE, weights.base, 1.0, weights.base * 1.0, "meets every hard constraint")
    )
    return Column(distinct=(part,), which=np.zeros(count, dtype=np.intp))


def _skills(
    weights: MatchingWeights,
    format: ProgrammeFormat,
    rules: PairRules,
    rows: IntVector,
    cols: IntVector,
) -> Column:
    """What the mentor can teach of what the mentee wants (and, in mutual programmes, the
    other way round): key = the shared tags' bits and how many tags the learner wants."""
    forward = _shared_and_wanted(rules.skills.mentors, rules.skills.mentees, rows, cols)
    words = rules.skills.mentors.shape[0]
    tags = rules.skills.tags
    if format is ProgrammeFormat.REVERSE:

        def reverse(key: list[int]) -> ContributionValues:
            value, taught, wanted = _coverage(key, words, tags)
            detail = f"mentor can teach {len(taught)} of {wanted}: " + (", ".join(taught) or "none")
            return (Criterion.SKILLS, weights.skills, value, weights.skills * value, detail)

        return _column(forward, reverse)
    assert rules.back_skills is not None
    # The other way round: what the mentee (the mentees' words) can teach of what the
    # mentor (the mentors' words) wants.
    backward = _shared_and_wanted(rules.back_skills.mentees, rules.back_skills.mentors, cols, rows)
    back_words = rules.back_skills.mentors.shape[0]
    back_tags = rules.back_skills.tags

    def mutual(key: list[int]) -> ContributionValues:
        forward_value, taught, _ = _coverage(key[: words + 1], words, tags)
        backward_value, returned, _ = _coverage(key[words + 1 :], back_words, back_tags)
        # Mutual mentoring is only as good as the average of its two directions.
        value = (forward_value + backward_value) / 2
        detail = (
            f"{len(taught)} skills one way ({', '.join(taught) or 'none'}),"
            f" {len(returned)} the other ({', '.join(returned) or 'none'})"
        )
        return (Criterion.SKILLS, weights.skills, value, weights.skills * value, detail)

    return _column(np.column_stack((forward, backward)), mutual)


def _shared_and_wanted(
    offered: WordMatrix, wanted: WordMatrix, teachers: IntVector, learners: IntVector
) -> npt.NDArray[np.uint64]:
    """Per pair k: the words of the tags teacher `teachers[k]` offers and learner
    `learners[k]` wants, then how many tags the learner wants."""
    shared = [
        np.bitwise_and(mine[teachers], theirs[learners]).astype(np.uint64)
        for mine, theirs in zip(offered, wanted, strict=True)
    ]
    count = sum(
        (np.bitwise_count(theirs[learners]).astype(np.uint64) for theirs in wanted),
        start=np.zeros(len(learners), dtype=np.uint64),
    )
    return np.column_stack((*shared, count))


def _coverage(key: list[int], words: int, tags: Sequence[str]) -> tuple[float, list[str], int]:
    """`scoring.coverage` from a key of `_shared_and_wanted`: the share of the wanted tags
    the teacher offers, the shared tags (sorted), and how many are wanted."""
    common = _tag_names(key[:words], tags)
    wanted = key[words]
    if not wanted:
        return 0.0, [], 0
    return len(common) / wanted, common, wanted


def _tag_names(words: Sequence[int], tags: Sequence[str]) -> list[str]:
    """The tags whose bits are set, lowest bit first: in sorted order (see `TagSets.tags`)."""
    names = []
    for index, word in enumerate(words):
        while word:
            low = word & -word
            names.append(tags[64 * index + low.bit_length() - 1])
            word ^= low
    return names


def _cross_department(
    weights: MatchingWeights, mentors: Sequence[Candidate], mentees: Sequence[Candidate]
) -> Column:
    differ = np.array(
        [a.department != b.department for a, b in zip(mentors, mentees, strict=True)],
        dtype=np.uint64,
    ).reshape(-1, 1)

    def build(key: list[int]) -> ContributionValues:
        cross = 1.0 if key[0] else 0.0
        detail = "different departments" if cross else "same department"
        return (
            Criterion.CROSS_DEPARTMENT,
            weights.cross_department,
            cross,
            weights.cross_department * cross,
            detail,
        )

    return _column(differ, build)


def _interests(
    weights: MatchingWeights, interests: TagSets, rows: IntVector, cols: IntVector
) -> Column:
    """Shared interests over all the interests of the two (Jaccard): key = the shared tags'
    bits and the size of the union."""
    shared = [
        np.bitwise_and(mine[rows], theirs[cols]).astype(np.uint64)
        for mine, theirs in zip(interests.mentors, interests.mentees, strict=True)
    ]
    union = sum(
        (
            np.bitwise_count(np.bitwise_or(mine[rows], theirs[cols])).astype(np.uint64)
            for mine, theirs in zip(interests.mentors, interests.mentees, strict=True)
        ),
        start=np.zeros(len(rows), dtype=np.uint64),
    )
    words = len(shared)

    def build(key: list[int]) -> ContributionValues:
        common = _tag_names(key[:words], interests.tags)
        value = len(common) / key[words] if key[words] else 0.0
        return (
            Criterion.INTERESTS,
            weights.interests,
            value,
            weights.interests * value,
            f"shared interests: {', '.join(common) or 'none'}",
        )

    return _column(np.column_stack((*shared, union)), build)


def _diversity(
    weights: MatchingWeights, disclosures: Disclosures, rows: IntVector, cols: IntVector
) -> Column:
    """On how many of the attributes both disclosed the two differ: key = the two people's
    sets of disclosed attributes. Values are never reported, only counted."""
    keys = np.column_stack((disclosures.codes.mentors[rows], disclosures.codes.mentees[cols]))

    def build(key: list[int]) -> ContributionValues:
        differing, disclosed = disclosures.compare(key[0], key[1])
        value = differing / disclosed if disclosed else 0.0
        return (
            Criterion.DIVERSITY,
            weights.diversity,
            value,
            weights.diversity * value,
            f"differ on {differing} of {disclosed} attributes both chose to share",
        )

    return _column(keys, build)


def _unmatched(
    sides: Sides, rules: PairRules, pairs: Sequence[tuple[int, int]]
) -> tuple[UnmatchedPerson, ...]:
    mentor_places = np.array(sides.mentor_capacity, dtype=np.int64)
    mentee_places = np.array(sides.mentee_capacity, dtype=np.int64)
    supply = (int(mentor_places.sum()), int(mentee_places.sum()))
    paired_mentors = {i for i, _ in pairs}
    paired_mentees = {j for _, j in pairs}
    # The hard constraints of the unmatched people only, one row or column each.
    every_mentor = np.arange(len(sides.mentors))
    every_mentee = np.arange(len(sides.mentees))
    left_mentors = np.array(
        [i for i in every_mentor.tolist() if i not in paired_mentors], dtype=np.int64
    )
    left_mentees = np.array(
        [j for j in every_mentee.tolist() if j not in paired_mentees], dtype=np.int64
    )
    found: list[UnmatchedPerson] = []
    by_row = rules.blocked_by(left_mentors, every_mentee)
    for k, i in enumerate(left_mentors.tolist()):
        blocked = {v: mask[k, :] for v, mask in by_row.items()}
        reasons = _reasons(
            int(mentor_places[i]), mentee_places, _feasible(blocked), blocked, Side.MENTEE, supply
        )
        found.append(
            UnmatchedPerson(person_id=sides.mentors[i].person_id, side=Side.MENTOR, reasons=reasons)
        )
    by_column = rules.blocked_by(every_mentor, left_mentees)
    for k, j in enumerate(left_mentees.tolist()):
        blocked = {v: mask[:, k] for v, mask in by_column.items()}
        reasons = _reasons(
            int(mentee_places[j]),
            mentor_places,
            _feasible(blocked),
            blocked,
            Side.MENTOR,
            (supply[1], supply[0]),
        )
        found.append(
            UnmatchedPerson(person_id=sides.mentees[j].person_id, side=Side.MENTEE, reasons=reasons)
        )
    return tuple(sorted(found, key=lambda u: u.person_id))


def _feasible(blocked: dict[Violation, BoolMatrix]) -> BoolMatrix:
    masks = list(blocked.values())
    ruled_out: BoolMatrix = np.logical_or.reduce(masks)
    return np.logical_not(ruled_out)


def _reasons(
    own_places: int,
    partner_places: npt.NDArray[np.int64],
    feasible: BoolMatrix,
    blocked_by: dict[Violation, BoolMatrix],
    partner_side: Side,
    supply: tuple[int, int],
) -> tuple[UnmatchedReason, ...]:
    if own_places == 0:
        return (UnmatchedReason(code="no_places", detail="no places left (capacity used or 0)"),)
    open_partners = partner_places > 0
    if not open_partners.any():
        return (
            UnmatchedReason(
                code="no_places_on_other_side",
                detail=f"no {partner_side.value} has a place left",
            ),
        )
    acceptable = int((feasible & open_partners).sum())
    if acceptable == 0:
        counts = [
            f"{int((mask & open_partners).sum())} {VIOLATION_TEXT[v]}"
            for v, mask in blocked_by.items()
            if (mask & open_partners).any()
        ]
        return (
            UnmatchedReason(
                code="no_acceptable_partner",
                detail=(
                    f"none of {int(open_partners.sum())} {partner_side.value}s with a place is"
                    f" acceptable: {'; '.join(counts)}"
                ),
            ),
        )
    reasons = [
        UnmatchedReason(
            code="partners_placed_elsewhere",
            detail=(
                f"{acceptable} acceptable {partner_side.value}s, all placed in pairs that give"
                " a higher programme total"
            ),
        )
    ]
    own_total, partner_total = supply
    if own_total > partner_total:
        reasons.append(
            UnmatchedReason(
                code="side_oversubscribed",
                detail=f"{own_total} places on this side for {partner_total} on the other",
            )
        )
    return tuple(reasons)
