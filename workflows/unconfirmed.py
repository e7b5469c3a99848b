"""What a relationship has applied since the event store last confirmed its stream.

The workflow folds a command's events into its state at once (validators and later commands
see them), and the event store confirms them when `record_events` stores the batch. Until then
the command stays pending here. Normally the store confirms; when an earlier workflow task had
stored a batch of its own and then lost its completion (the Temporal server or the worker killed
at that moment), the store holds other events at those versions. Those are the truth (their
read rows are written and their messages may be sent), so the workflow adopts them and decides
its pending commands again on top of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import EventEnvelope
    from domain import Command, DomainError, RelationshipState, decide, evolve
    from domain.events import EVENT_ADAPTER


@dataclass
class PendingCommand:
    """A command folded into the state whose events the store has not confirmed yet."""

    command: Command
    # An update replies only once its events are stored, so a receipt never promises what an
    # adoption could take back; signals and timers reply to nobody.
    awaited: bool
    settled: bool = False
    refusal: DomainError | None = None

    def settle(self, refusal: DomainError | None = None) -> None:
        self.settled = True
        self.refusal = refusal


@dataclass(frozen=True)
class Confirmed:
    """The state as of the last version the event store confirmed."""

    state: RelationshipState
    version: int

    def adopting(self, stored: Iterable[EventEnvelope]) -> Confirmed:
        """This state with the events the store holds past it folded in."""
        state, version = self.state, self.version
        for envelope in stored:
            state = evolve(state, EVENT_ADAPTER.validate_python(envelope.data))
            version = envelope.stream_version
        return Confirmed(state=state, version=version)

    def reproduced_by(self, stored: list[EventEnvelope], commands: list[Command]) -> int:
        """How many of `commands`, in order, decide exactly the `stored` events when decided
        at the times those events carry: the lost task decided them already."""
        state, position = self.state, 0
        for count, command in enumerate(commands):
            if position == len(stored):
                return count
            try:
                events = decide(state, command, stored[position].occurred_at)
            except DomainError:
                return count
            expected = [e.data for e in stored[position : position + len(events)]]
            if [event.model_dump(mode="json") for event in events] != expected:
                return count
            for event in events:
                state = evolve(state, event)
            position += len(events)
        return len(commands)


def settle_all(commands: Iterable[PendingCommand]) -> None:
    for pending in commands:
        if not pending.settled:
            pending.settle()
