"""Temporal workflows. Keep these modules free of I/O and compiled imports.

See docs/architecture.md: workflows import only `domain` and the activity models.
"""

from workflows.programme import ProgramWorkflow
from workflows.relationship import RelationshipWorkflow

ALL_WORKFLOWS = (RelationshipWorkflow, ProgramWorkflow)

__all__ = ["ALL_WORKFLOWS", "ProgramWorkflow", "RelationshipWorkflow"]
