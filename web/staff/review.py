"""Match review as staff read it: each pair's contribution per criterion, each unmatched
person's reasons, and "why not A with B" for any two enrolled people.

Each organisation sees its own: in a programme of several organisations, a coordinator of one
reads the proposed pairs with at least one of their own people and their own unmatched people,
and names only their own people; a person of another organisation appears by first name and
organisation ("Gina, Globex"). Elsewhere, and for operators, every person is named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from domain.matching.constraints import VIOLATION_TEXT, violations
from domain.matching.context import PairContext
from domain.matching.model import Candidate, Contribution, MatchingProblem, RolePreference
from domain.matching.scoring import contributions
from domain.programme import Programme, Proposal
from roster.importer import load_candidates, load_reporting_lines
from store.database import Pool
from store.organisations import (
    DEFAULT_ORGANISATION,
    organisation_names,
    people_of_organisation,
)
from web.sql_files import load_sql


@dataclass(frozen=True, slots=True)
class ReviewedPair:
    mentor_id: str
    mentee_id: str
    score: float
    contributions: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class UnmatchedEntry:
    person_id: str
    side: str
    reasons: list[str]


@dataclass(frozen=True)
class ProposalReview:
    programme_id: str
    version: int
    total_score: float
    pairs: list[ReviewedPair]
    unmatched: list[UnmatchedEntry]
    mentor_ids: list[str]
    mentee_ids: list[str]
    # How the page names each person (see the module docstring).
    labels: dict[str, str] = field(default_factory=dict)
    # Proposed pairs left out because none of the viewer's people is in them.
    pairs_of_others: int = 0

    def label(self, person_id: str) -> str:
        return self.labels.get(person_id, person_id)


async def people_labels(
    pool: Pool, person_ids: Iterable[str], own_organisation: str | None
) -> dict[str, str]:
    """Each person's label: "Name (id)" for the viewer's own people (everyone's when
    ``own_organisation`` is None), "First name, Organisation" for another organisation's."""
    ids = sorted(set(person_ids))
    async with pool.acquire() as conn:
        rows = {r["person_id"]: r for r in await conn.fetch(load_sql("staff_people_shown"), ids)}
        names = await organisation_names(
            conn, {r["organisation"] for r in rows.values()} | {DEFAULT_ORGANISATION}
        )
    labels: dict[str, str] = {}
    for person_id in ids:
        row = rows.get(person_id)
        organisation = DEFAULT_ORGANISATION if row is None else row["organisation"]
        if own_organisation is None or organisation == own_organisation:
            labels[person_id] = person_id if row is None else f"{row['display_name']} ({person_id})"
        elif row is None:
            labels[person_id] = f"someone of {names[organisation]}"
        else:
            labels[person_id] = f"{_first_name(row['display_name'])}, {names[organisation]}"
    return labels


def _first_name(display_name: str) -> str:
    return display_name.split()[0] if display_name.split() else display_name


async def narrowed_review(
    pool: Pool, review: ProposalReview, own_organisation: str | None
) -> ProposalReview:
    """``review`` as the viewer may read it (see the module docstring), with every label."""
    everyone = {*review.mentor_ids, *review.mentee_ids}
    everyone |= {i for p in review.pairs for i in (p.mentor_id, p.mentee_id)}
    everyone |= {u.person_id for u in review.unmatched}
    labels = await people_labels(pool, everyone, own_organisation)
    if own_organisation is None:
        return replace(review, labels=labels)
    async with pool.acquire() as conn:
        mine = await people_of_organisation(conn, own_organisation, everyone)
    pairs = [p for p in review.pairs if mine.intersection((p.mentor_id, p.mentee_id))]
    return replace(
        review,
        pairs=pairs,
        unmatched=[u for u in review.unmatched if u.person_id in mine],
        labels=labels,
        pairs_of_others=len(review.pairs) - len(pairs),
    )


@dataclass(frozen=True)
class WhyNot:
    mentor_id: str
    mentee_id: str
    problems: list[str]
    contributions: list[Contribution]

    @property
    def score(self) -> float:
        return sum(c.points for c in self.contributions)


async def proposal_review(pool: Pool, programme_id: str, proposal: Proposal) -> ProposalReview:
    async with pool.acquire() as conn:
        pair_rows = await conn.fetch(
            load_sql("staff_proposal_pairs"), programme_id, proposal.version
        )
        unmatched_rows = await conn.fetch(
            load_sql("staff_proposal_unmatched"), programme_id, proposal.version
        )
        candidates = await load_candidates(conn, programme_id)
    return ProposalReview(
        programme_id=programme_id,
        version=proposal.version,
        total_score=proposal.total_score,
        pairs=[
            ReviewedPair(
                mentor_id=row["mentor_id"],
                mentee_id=row["mentee_id"],
                score=row["score"],
                contributions=list(row["contributions"]),
            )
            for row in pair_rows
        ],
        unmatched=[
            UnmatchedEntry(
                person_id=row["person_id"],
                side=row["side"],
                reasons=[
                    str(reason.get("detail") or reason.get("code")) for reason in row["reasons"]
                ],
            )
            for row in unmatched_rows
        ],
        mentor_ids=sorted(
            c.person_id for c in candidates if c.role_preference != RolePreference.MENTEE
        ),
        mentee_ids=sorted(
            c.person_id for c in candidates if c.role_preference != RolePreference.MENTOR
        ),
    )


async def why_not(
    pool: Pool, programme: Programme, mentor_id: str, mentee_id: str
) -> WhyNot | None:
    """What the matcher thinks of this pair: the hard constraints it breaks and its score.

    None when either person is not enrolled. Exclusions made in earlier reviews live in the
    programme workflow and are not repeated here; the review itself still enforces them.
    """
    async with pool.acquire() as conn:
        candidates = await load_candidates(conn, programme.programme_id)
        lines = await load_reporting_lines(conn)
    people = {c.person_id: c for c in candidates}
    mentor, mentee = people.get(mentor_id), people.get(mentee_id)
    if mentor is None or mentee is None:
        return None
    problem = MatchingProblem(
        format=programme.format,
        candidates=tuple(candidates),
        weights=programme.weights,
        constraints=programme.constraints,
        reporting_lines=lines,
    )
    return WhyNot(
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        problems=_side_problems(mentor, mentee)
        + [VIOLATION_TEXT[v] for v in violations(mentor, mentee, PairContext.of(problem))],
        contributions=list(contributions(mentor, mentee, problem.weights, problem.format)),
    )


def _side_problems(mentor: Candidate, mentee: Candidate) -> list[str]:
    problems = []
    if mentor.role_preference is RolePreference.MENTEE:
        problems.append("the mentor enrolled as a mentee only")
    if mentee.role_preference is RolePreference.MENTOR:
        problems.append("the mentee enrolled as a mentor only")
    return problems
