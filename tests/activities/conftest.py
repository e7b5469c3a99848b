"""Activities run in ActivityEnvironment (a real activity context) against real PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from temporalio.testing import ActivityEnvironment

from activities.relationship_activities import RelationshipActivities
from store.database import Pool


@pytest.fixture
def activity_env() -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_id="rel-test-1")
    return env


@pytest.fixture
def relationship_activities(pg_pool: Pool) -> RelationshipActivities:
    return RelationshipActivities(pg_pool)
