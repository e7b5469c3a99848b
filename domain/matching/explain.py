"""Why each pair was proposed, and why each unmatched person was left out.

Coordinators must be able to defend a proposal to the people in it, so every pair lists each
criterion's contribution, and every unmatched person gets reasons a coordinator can act on
(widen the hours rule, recruit more mentors, lift an exclusion).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from domain.matching.constraints import VIOLATION_TEXT
from domain.matching.matrix import BoolMatrix, PairRules
from domain.matching.model import (
    Candidate,
    Contribution,
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
from domain.matching.scoring import FIELDS, ContributionValues, contribution_values
from domain.matching.sides import Sides


def explain(
    problem: MatchingProblem,
    sides: Sides,
    rules: PairRules,
    pairs: Sequence[tuple[int, int]],
    method: str,
) -> MatchingResult:
    # Most contributions repeat from pair to pair (every pair's base point, "different
    # departments", "shared interests: chess"): each distinct one is validated once and the
    # frozen model shared, instead of validating 25,000 of them for 5,000 pairs.
    known: dict[ContributionValues, Contribution] = {}
    weights, format = problem.weights, problem.format
    mentors, mentees = sides.mentors, sides.mentees
    proposed = tuple(
        _proposed(mentors[i], mentees[j], weights, format, known) for i, j in sorted(pairs)
    )
    return MatchingResult(
        pairs=proposed,
        unmatched=_unmatched(sides, rules, pairs),
        total_score=sum(p.score for p in proposed),
        method=method,
    )


def proposed_pair(
    problem: MatchingProblem,
    mentor: Candidate,
    mentee: Candidate,
    known: dict[ContributionValues, Contribution] | None = None,
) -> ProposedPair:
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
