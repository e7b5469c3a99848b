"""Every workflow the worker runs."""

from workflows.programme import ProgramWorkflow
from workflows.relationship import RelationshipWorkflow

ALL_WORKFLOWS = (RelationshipWorkflow, ProgramWorkflow)
