"""Who may form a pair: the rules a start must meet, as problems a caller can show field by field.

The HR API checks a request with these before it starts a workflow, so a bad pair is refused
with a 422 naming the field instead of becoming a workflow that refuses its own start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StartProblemCode = Literal["same_person", "overseer_in_pair"]


@dataclass(frozen=True, slots=True)
class StartProblem:
    field: Literal["mentee_id", "coordinator_id", "owner_id"]
    code: StartProblemCode
    message: str


def start_problems(
    *, mentor_id: str, mentee_id: str, coordinator_id: str, owner_id: str
) -> list[StartProblem]:
    """Empty when the four people can form a pair under oversight."""
    found: list[StartProblem] = []
    if mentor_id == mentee_id:
        found.append(StartProblem("mentee_id", "same_person", "must differ from mentor_id"))
    pair = (mentor_id, mentee_id)
    # Whoever oversees a pair judges its tensions: they cannot be one of its two people.
    if coordinator_id in pair:
        found.append(_overseer_problem("coordinator_id"))
    if owner_id in pair:
        found.append(_overseer_problem("owner_id"))
    return found


def _overseer_problem(field: Literal["coordinator_id", "owner_id"]) -> StartProblem:
    return StartProblem(field, "overseer_in_pair", "cannot be one of the pair they oversee")
