"""Drive many relationship workflows on one clock, with late, lapsing people and a coordinator.

Every open prompt is answered (or deliberately left) by its persona; when nothing is left to
answer, the clock jumps to the earliest due time of any relationship. The simulated coordinator
resolves escalations after part of their response window, so time-to-resolve is measurable.
What the people do is decided by `Participants`, shared with the decider engine.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import AnswerPrompt
from domain.state import RelationshipState
from services.pairs import RelationshipHandle
from simulation.driver import SETTLE, Advance, Clock
from simulation.participants import COORDINATOR_DELAY_SHARE, Action, Participants, pair_random
from simulation.personas import Persona
from workflows.relationship import RelationshipWorkflow


@dataclass
class CohortMember:
    handle: RelationshipHandle
    personas: dict[str, Persona]
    state: RelationshipState | None = None
    # Set when we changed it (answered, resolved) so its state is read again.
    dirty: bool = True
    # The pair answers nothing before this moment (a demo staggers pairs through the phases).
    not_before: datetime | None = None
    participants: Participants | None = None


@dataclass
class CohortDriver:
    members: list[CohortMember]
    advance: Advance
    clock: Clock
    until: datetime
    seed: int = 0
    max_steps: int = 20_000
    coordinator_delay_share: float = COORDINATOR_DELAY_SHARE

    def __post_init__(self) -> None:
        for member in self.members:
            member.participants = Participants(
                member.personas,
                pair_random(self.seed, member.handle.id),
                self.coordinator_delay_share,
                member.not_before,
            )

    async def run(self) -> list[RelationshipState]:
        """Until every relationship has ended or the clock reaches `until`."""
        for _ in range(self.max_steps):
            open_members = await self._refresh()
            if not open_members:
                break
            now = await self.clock()
            acted = False
            for member in open_members:
                acted |= await self._act(member, now)
            if acted:
                continue
            wake = self._next_wake(open_members, now)
            if wake is None or wake >= self.until:
                break
            await self.advance(max(wake - now, timedelta(0)) + SETTLE)
        await self._refresh()
        return [member.state for member in self.members if member.state is not None]

    async def _refresh(self) -> list[CohortMember]:
        """Re-read only what can have changed: what we touched, and what fell due."""
        now = await self.clock()
        open_members = []
        for member in self.members:
            if member.state is not None and member.state.is_terminal:
                continue
            wake = None if member.state is None else _people(member).due(member.state)
            if member.dirty or (wake is not None and wake <= now):
                member.state = await current_state(member.handle)
                member.dirty = False
            if not member.state.is_terminal:  # type: ignore[union-attr]
                open_members.append(member)
        return open_members

    def _next_wake(self, members: list[CohortMember], now: datetime) -> datetime | None:
        wakes = (_people(m).wake(m.state, now) for m in members if m.state is not None)
        return min((t for t in wakes if t is not None), default=None)

    async def _act(self, member: CohortMember, now: datetime) -> bool:
        assert member.state is not None
        actions = _people(member).actions(member.state, now)
        for action in actions:
            await _send(member.handle, action)
        member.dirty |= bool(actions)
        return bool(actions)


def _people(member: CohortMember) -> Participants:
    assert member.participants is not None
    return member.participants


async def _send(handle: RelationshipHandle, action: Action) -> None:
    # Refused when our view was stale (the prompt or the case closed since we looked): the
    # next look shows why, exactly as a person refreshing their inbox would see.
    with contextlib.suppress(WorkflowUpdateFailedError):
        if isinstance(action, AnswerPrompt):
            await handle.execute_update(RelationshipWorkflow.answer_prompt, action)
        else:
            await handle.execute_update(RelationshipWorkflow.coordinator_action, action)


# A query waits for the workflow's next task; on a loaded machine the server can give up on it
# before the worker answers. Reading the state is harmless, so it is asked again.
QUERY_ATTEMPTS = 5
# The server's deadline, or the client's own timeout ("Timeout expired", reported as cancelled).
_QUERY_TIMED_OUT = frozenset({RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED})


async def current_state(handle: RelationshipHandle) -> RelationshipState:
    for attempt in range(1, QUERY_ATTEMPTS + 1):
        try:
            return await handle.query(RelationshipWorkflow.state)
        except RPCError as error:
            if error.status not in _QUERY_TIMED_OUT or attempt == QUERY_ATTEMPTS:
                raise
    raise AssertionError("unreachable")
