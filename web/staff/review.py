"""Match review as staff read it: each pair's contribution per criterion, each unmatched
person's reasons, and "why not A with B" for any two enrolled people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.matching.constraints import VIOLATION_TEXT, violations
from domain.matching.context import PairContext
from domain.matching.model import Candidate, Contribution, MatchingProblem, RolePreference
from domain.matching.scoring import contributions
from domain.programme import Programme, Proposal
from roster.importer import load_candidates, load_reporting_lines
from store.database import Pool
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
        problems.append(f"{mentor.person_id} enrolled as a mentee only")
    if mentee.role_preference is RolePreference.MENTOR:
        problems.append(f"{mentee.person_id} enrolled as a mentor only")
    return problems
