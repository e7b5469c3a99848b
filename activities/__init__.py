"""Temporal activities: the side effects of the mentoring workflows.

Deliberately imports nothing: workflows import ``activities.models`` (the contract), and pulling
asyncpg or structlog into the workflow sandbox through this package would break the worker.
Import the implementations from ``activities.relationship_activities``.
"""
