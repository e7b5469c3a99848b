"""Pairing people for a programme: hard constraints, soft score, optimal assignment.

This package is pure and deterministic. Only the models and per-pair rules are exported here:
the array modules (`matrix`, `assignment`, `greedy`, `explain`) import numpy/scipy, so workflow
code (which runs in Temporal's sandbox) must never import them; activities and the CLI do.
"""

from domain.matching.constraints import violations
from domain.matching.model import (
    Candidate,
    Contribution,
    Criterion,
    MatchingConstraints,
    MatchingProblem,
    MatchingResult,
    MatchingWeights,
    MatchPair,
    PersonPair,
    ProgrammeFormat,
    ProposedPair,
    RolePreference,
    Side,
    UnmatchedPerson,
    UnmatchedReason,
    Violation,
)
from domain.matching.scoring import contributions, pair_score

__all__ = [
    "Candidate",
    "Contribution",
    "Criterion",
    "MatchPair",
    "MatchingConstraints",
    "MatchingProblem",
    "MatchingResult",
    "MatchingWeights",
    "PersonPair",
    "ProgrammeFormat",
    "ProposedPair",
    "RolePreference",
    "Side",
    "UnmatchedPerson",
    "UnmatchedReason",
    "Violation",
    "contributions",
    "pair_score",
    "violations",
]
