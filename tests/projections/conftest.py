"""Projection tests: real PostgreSQL; the workflow ones also use the time-skipping harness."""

from tests.workflows.conftest import Harness, harness  # noqa: F401
