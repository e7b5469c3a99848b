"""An accumulator for one decision: emit events and see the state they lead to.

Steps of a decision often depend on earlier steps (a missed meeting changes health, which may
open an escalation). Folding each event as it is emitted keeps every step honest and the
decider pure: the accumulator is local to one `decide` call.
"""

from datetime import datetime

from domain.events import Event
from domain.evolve import evolve
from domain.policy import RelationshipPolicy
from domain.state import RelationshipState


class Decision:
    def __init__(self, state: RelationshipState, now: datetime) -> None:
        self.state = state
        # The time new events carry; the clock loop moves it to each item's due time.
        self.now = now
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)
        self.state = evolve(self.state, event)

    @property
    def policy(self) -> RelationshipPolicy:
        return self.state.policy
