"""Pairs at risk, and the coordinator's actions on one pair with what the pair will see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.commands import (
    EndRelationship,
    ExtendTerm,
    PauseRelationship,
    ResumeRelationship,
)
from web.services import WebServices
from web.sql_files import load_sql
from web.staff.access import StaffViewer
from web.staff.organisations import narrowed

_HEALTH_RANK = {"red": 0, "amber": 1}
SORTS = ("health", "programme", "pair", "since")


@dataclass(frozen=True, slots=True)
class PairAtRisk:
    relationship_id: str
    programme_id: str
    phase: str
    health: str
    escalation_open: bool
    next_due_at: datetime | None
    reasons: list[str]
    health_since: datetime | None


@dataclass(frozen=True, slots=True)
class PairAction:
    title: str
    audit: str
    # What the two people notice: said on the confirmation before anything happens.
    pair_sees: str


PAIR_ACTIONS: dict[str, PairAction] = {
    "pause": PairAction(
        "Pause the pair",
        "paused",
        "Both get a mail that their mentoring is paused; reminders and check-ins stop until it"
        " resumes.",
    ),
    "resume": PairAction(
        "Resume the pair",
        "resumed",
        "Both get a mail that their mentoring continues; meetings and check-ins are planned"
        " again from today.",
    ),
    "end": PairAction(
        "End the pair",
        "ended",
        "Both are told the relationship has ended early; open questions close and no new"
        " partner is sought.",
    ),
    "extend": PairAction(
        "Extend the term",
        "term_extended",
        "The pair's term runs until the new date; further meetings and check-ins fit into it.",
    ),
}


async def pairs_at_risk(services: WebServices, viewer: StaffViewer, sort: str) -> list[PairAtRisk]:
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_pairs_at_risk"), viewer.programme_filter)
    pairs = [
        PairAtRisk(
            relationship_id=row["relationship_id"],
            programme_id=row["programme_id"],
            phase=row["phase"],
            health=row["health"],
            escalation_open=row["escalation_open"],
            next_due_at=row["next_due_at"],
            reasons=[str(r.get("detail") or r.get("code")) for r in row["reasons"]],
            health_since=row["health_since"],
        )
        for row in rows
    ]
    return sorted(await narrowed(services, viewer.organisations, pairs), key=_sort_key(sort))


def _sort_key(sort: str) -> Callable[[PairAtRisk], Any]:
    if sort == "programme":
        return lambda p: (p.programme_id, p.relationship_id)
    if sort == "pair":
        return lambda p: p.relationship_id
    if sort == "since":
        return lambda p: (p.health_since is None, p.health_since, p.relationship_id)
    return lambda p: (_HEALTH_RANK.get(p.health, 2), p.relationship_id)


def pair_command(
    action: str, actor: str, new_term_end: datetime | None
) -> PauseRelationship | ResumeRelationship | EndRelationship | ExtendTerm:
    if action == "pause":
        return PauseRelationship(actor=actor)
    if action == "resume":
        return ResumeRelationship(actor=actor)
    if action == "end":
        return EndRelationship(actor=actor)
    if new_term_end is None:
        raise ValueError("the new term end is missing")
    return ExtendTerm(new_term_end=new_term_end, actor=actor)
