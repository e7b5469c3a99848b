"""Relationships built with the pure decider (no Temporal), and helpers to store and project them.

Each pair gets its own ids, so many of them can share a programme and a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain import (
    ClosingReflectionAnswer,
    Event,
    Mode,
    PromptKind,
    RelationshipPolicy,
    StartRelationship,
    initial_state,
)
from domain.prompts import GoalOutcome
from projections.projector import project_stream
from store.database import Pool
from store.event_store import NewEvent, append_events
from tests.domain.support import COORDINATOR, OWNER, T0, Pair

# Read tables in a fixed order, with the key that orders their rows.
READ_TABLES: dict[str, str] = {
    "relationships": "relationship_id",
    "meetings": "relationship_id, number",
    "pending_prompts": "relationship_id, prompt_id",
    "checkin_answers": "relationship_id, term_number, round_number, respondent_id",
    "closing_reflections": "relationship_id, term_number, respondent_id",
    "escalations": "escalation_key",
    "relationship_projection_state": "relationship_id",
}


class NamedPair(Pair):
    """`tests.domain.support.Pair` with its own relationship, programme and people."""

    def __init__(
        self, n: int, programme_id: str = "prog-1", mode: Mode = Mode.REVERSE, at: datetime = T0
    ) -> None:
        start = StartRelationship(
            relationship_id=f"rel-{programme_id}-{n}",
            programme_id=programme_id,
            mentor_id=f"mentor-{programme_id}-{n}",
            mentee_id=f"mentee-{programme_id}-{n}",
            coordinator_id=COORDINATOR,
            owner_id=OWNER,
            policy=RelationshipPolicy.fast(),
            mode=mode,
        )
        self.state = initial_state(start)
        self.now = at
        self.events: list[Event] = []
        self._answers = 0
        self.send(start)

    @property
    def relationship_id(self) -> str:
        return self.state.relationship_id

    def run_to_completion(self, achieved: int = 1) -> None:
        """Sign, meet and check in for the whole term, then reflect: a completed pair."""
        self.sign_contract()
        assert self.state.term_end is not None
        self.engage_until(self.state.term_end + timedelta(seconds=1))
        goals = len(self.state.contract.terms.goals) if self.state.contract else 0
        for prompt in self.state.open_prompts_of(PromptKind.CLOSING_REFLECTION):
            outcomes = tuple(
                GoalOutcome(goal_number=i + 1, achieved=i < achieved) for i in range(goals)
            )
            self.answer(
                prompt.prompt_id,
                ClosingReflectionAnswer(
                    goals_achieved=outcomes, continue_informally=True, want_renewal=False
                ),
            )


def envelopes(events: Sequence[Event], first_version: int = 1) -> list[NewEvent]:
    return [
        NewEvent(
            stream_version=first_version + i,
            event_type=e.type,
            schema_version=e.schema_version,
            occurred_at=e.occurred_at,
            data=e.model_dump(mode="json"),
        )
        for i, e in enumerate(events)
    ]


async def record(pool: Pool, stream_id: str, events: Sequence[Event], first_version: int) -> None:
    """What `record_events` does with a batch: append and project in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        await append_events(conn, stream_id, envelopes(events, first_version))
        await project_stream(conn, stream_id)


async def record_in_batches(pool: Pool, pair: Pair, batch_size: int = 7) -> None:
    events = pair.events
    for start in range(0, len(events), batch_size):
        await record(
            pool, pair.state.relationship_id, events[start : start + batch_size], start + 1
        )


async def read_tables(pool: Pool) -> dict[str, list[dict[str, object]]]:
    """Every row of every read table, in a stable order, for before/after comparisons."""
    tables: dict[str, list[dict[str, object]]] = {}
    async with pool.acquire() as conn:
        for table, order in READ_TABLES.items():
            rows = await conn.fetch(f"SELECT * FROM {table} ORDER BY {order}")
            tables[table] = [dict(row) for row in rows]
    return tables
