"""How HR systems (and scripts) start a relationship: the entry point over ``services.pairs``.

Kept at the top level because integrations import it by this name; the use case itself lives in
``services/pairs.py`` and the pure id and command builders beside the workflow's own I/O models.
"""

from __future__ import annotations

from services.pairs import (
    PairRequest,
    RelationshipHandle,
    relationship_handle,
    relationship_id,
    start_relationship,
)
from workflows.relationship_io import resolve_policy, start_command

__all__ = [
    "PairRequest",
    "RelationshipHandle",
    "relationship_handle",
    "relationship_id",
    "resolve_policy",
    "start_command",
    "start_relationship",
]
