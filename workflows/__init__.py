"""Temporal workflows. Keep these modules free of I/O and compiled imports (see DESIGN)."""

from workflows.relationship import RelationshipWorkflow

ALL_WORKFLOWS = (RelationshipWorkflow,)

__all__ = ["ALL_WORKFLOWS", "RelationshipWorkflow"]
