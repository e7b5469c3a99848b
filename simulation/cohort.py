"""Drive many relationship workflows on one clock, with late, lapsing people and a coordinator.

Every open prompt is answered (or deliberately left) by its persona; when nothing is left to
answer, the clock jumps to the earliest due time of any relationship. The simulated coordinator
resolves escalations after part of their response window, so time-to-resolve is measurable.
What the people do is decided by `Participants`, shared with the decider engine.

A pair never waits for another, so between two moves of the clock the pairs are looked at and
answered side by side, a few calls in flight at once: most of a call's time is a round trip to
the server and a workflow task, which other pairs' calls can overlap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio.client import (
    WorkflowQueryRejectedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import QueryRejectCondition
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import AnswerPrompt
from domain.state import RelationshipState
from services.pairs import RelationshipHandle
from simulation.driver import SETTLE, Advance, Clock
from simulation.participants import COORDINATOR_DELAY_SHARE, Action, Participants, pair_random
from simulation.personas import Persona
from workflows.relationship import RelationshipWorkflow

T = TypeVar("T")

# Calls to the server in flight at once, over all pairs. Four overlap most of the waiting on
# this 2-core machine; with twenty the time-skipping server broke its HTTP/2 connection in
# several runs on a loaded machine.
IN_FLIGHT = 4
# A call that fails on its way (timeout, dropped connection) is asked again this many times.
CALL_ATTEMPTS = 5
# No call of the simulation takes this long unless the server lost it: ask again.
CALL_TIMEOUT = timedelta(seconds=60)

# The state of a relationship whose workflow has closed.
ClosedState = Callable[[RelationshipHandle], Awaitable[RelationshipState]]


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
    in_flight: int = IN_FLIGHT
    # A query to a closed workflow replays its whole history in the worker (seconds for a
    # relationship-year); a caller that keeps the events elsewhere can read them instead.
    closed_state: ClosedState | None = None
    _calls: asyncio.Semaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._calls = asyncio.Semaphore(self.in_flight)
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
            open_members = await self._settle_all(await self.clock())
            if not open_members:
                break
            now = await self.clock()
            wake = self._next_wake(open_members, now)
            if wake is None or wake >= self.until:
                break
            await self._advance(max(wake - now, timedelta(0)) + SETTLE)
        now = await self.clock()
        await self._side_by_side(lambda member: self._refresh(member, now), self._open_members())
        return [member.state for member in self.members if member.state is not None]

    async def _settle_all(self, now: datetime) -> list[CohortMember]:
        """Every open pair answered until its people have nothing more to send at this moment."""
        await self._side_by_side(lambda member: self._settle(member, now), self._open_members())
        return self._open_members()

    async def _settle(self, member: CohortMember, now: datetime) -> None:
        """Look, act, and look again after acting, as a person refreshing their inbox would.

        The clock is read again after acting: a prompt that an answer just issued carries the
        server's time, and its recipient may answer it at once."""
        for _ in range(self.max_steps):
            await self._refresh(member, now)
            state = member.state
            if state is None or state.is_terminal:
                return
            actions = _people(member).actions(state, now)
            if not actions:
                return
            for action in actions:
                await self._send(member.handle, action)
            member.dirty = True
            now = await self._call(self.clock)
        raise RuntimeError(f"{member.handle.id} still acting after {self.max_steps} looks")

    async def _refresh(self, member: CohortMember, now: datetime) -> None:
        """Re-read only what can have changed: what we touched, and what fell due."""
        if not member.dirty and member.state is not None:
            wake = _people(member).due(member.state)
            if wake is None or wake > now:
                return
        member.state = await self._call(lambda: current_state(member.handle, self.closed_state))
        member.dirty = False

    def _open_members(self) -> list[CohortMember]:
        return [m for m in self.members if m.state is None or not m.state.is_terminal]

    def _next_wake(self, members: list[CohortMember], now: datetime) -> datetime | None:
        wakes = (_people(m).wake(m.state, now) for m in members if m.state is not None)
        return min((t for t in wakes if t is not None), default=None)

    async def _send(self, handle: RelationshipHandle, action: Action) -> None:
        for attempt in range(1, CALL_ATTEMPTS + 1):
            try:
                await self._call(lambda: _execute(handle, action))
                return
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
                if not lost_on_the_way(error) or attempt == CALL_ATTEMPTS:
                    raise
                if not isinstance(action, AnswerPrompt):
                    # Whether it arrived shows at the next look, which decides again: a
                    # coordinator's decision follows from the state alone.
                    return
                # An answer carries its id and the relationship ignores one it already
                # has, so sending it again is safe; the person decided it once.

    async def _advance(self, delta: timedelta) -> None:
        try:
            await self.advance(delta)
        except RPCError as error:
            # Where the clock stands is read again before the next move, so a move lost on the
            # way is made again, and one that happened is not repeated.
            if not lost_on_the_way(error):
                raise

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        async with self._calls:
            return await call()

    async def _side_by_side(
        self, step: Callable[[CohortMember], Coroutine[Any, Any, None]], members: list[CohortMember]
    ) -> None:
        async with asyncio.TaskGroup() as group:
            for member in members:
                group.create_task(step(member))


def _people(member: CohortMember) -> Participants:
    assert member.participants is not None
    return member.participants


async def _execute(handle: RelationshipHandle, action: Action) -> None:
    # Refused when our view was stale (the prompt or the case closed since we looked), or not
    # found when the relationship has ended and its workflow closed meanwhile (the partner's
    # decline, say): the next look shows why, as a person refreshing their inbox would see.
    try:
        if isinstance(action, AnswerPrompt):
            await handle.execute_update(
                RelationshipWorkflow.answer_prompt, action, rpc_timeout=CALL_TIMEOUT
            )
        else:
            await handle.execute_update(
                RelationshipWorkflow.coordinator_action, action, rpc_timeout=CALL_TIMEOUT
            )
    except WorkflowUpdateFailedError:
        return
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise


# The server's deadline, the client's own timeout ("Timeout expired", reported as cancelled),
# or a connection the server dropped (the time-skipping server, under load, has ended its HTTP/2
# connection with "h2 protocol error"). Asking again is worth it; a call that keeps failing
# still ends the run after `CALL_ATTEMPTS`.
_LOST_ON_THE_WAY = frozenset(
    {RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED, RPCStatusCode.UNAVAILABLE}
)


def lost_on_the_way(error: RPCError | WorkflowUpdateRPCTimeoutOrCancelledError) -> bool:
    if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError):
        return True
    return error.status in _LOST_ON_THE_WAY or "h2 protocol error" in error.message


async def current_state(
    handle: RelationshipHandle, closed_state: ClosedState | None = None
) -> RelationshipState:
    """The relationship's state; a query waits for the workflow's next task, and on a loaded
    machine the server can give up on it before the worker answers. Reading is harmless, so a
    read lost on the way is asked again.

    With `closed_state`, the server refuses the query of a closed workflow instead of handing
    it to the worker to replay, and the state comes from `closed_state`. The last answer of a
    pair usually closes its workflow before the driver looks again."""
    reject = None if closed_state is None else QueryRejectCondition.NOT_OPEN
    for attempt in range(1, CALL_ATTEMPTS + 1):
        try:
            return await handle.query(
                RelationshipWorkflow.state, rpc_timeout=CALL_TIMEOUT, reject_condition=reject
            )
        except WorkflowQueryRejectedError:
            assert closed_state is not None
            return await closed_state(handle)
        except RPCError as error:
            if not lost_on_the_way(error) or attempt == CALL_ATTEMPTS:
                raise
    raise AssertionError("unreachable")
