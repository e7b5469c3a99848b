"""The folded state of one event stream, as the projector keeps it between batches."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime

from domain.base import DomainModel
from domain.events import Event, ModeBecameMutual, RelationshipProposed
from domain.evolve import evolve
from domain.policy import RelationshipPolicy
from domain.state import Mode, RelationshipState

# Where a folded state keeps the words people wrote (contract and goal texts, a tension note):
# only these parts are sealed when the projector stores the state, everything else in it is ids,
# codes, dates and scores (as in the other read tables), and sealing all of it would cost the
# answer path a walk over the whole state twice per batch.
WORDS_IN_STATE = ("contracts", "escalations", "mutual_proposal")


class ProjectedStream(DomainModel):
    """The relationship's state after `version` events, plus facts the state forgets.

    The domain state keeps what the decider needs; reports also want when things happened
    (a meeting's status change, the move to mutual, the end), so those times are kept here.
    """

    version: int
    relationship: RelationshipState
    initial_mode: Mode
    meeting_status_at: dict[int, AwareDatetime] = {}
    became_mutual_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProjectedStream:
        return cls.model_validate(data)


def initial_state_from(proposed: RelationshipProposed) -> RelationshipState:
    """The state `evolve` starts from, rebuilt from the first event alone.

    The policy travels in the workflow input, not in events, and `evolve` never reads it (only
    `decide` does), so a fixed stand-in gives exactly the state the workflow folded.
    """
    return RelationshipState(
        relationship_id=proposed.relationship_id,
        programme_id=proposed.programme_id,
        mentor_id=proposed.mentor_id,
        mentee_id=proposed.mentee_id,
        coordinator_id=proposed.coordinator_id,
        owner_id=proposed.owner_id,
        policy=_STAND_IN_POLICY,
        mode=proposed.mode,
    )


_STAND_IN_POLICY = RelationshipPolicy.standard()


def start_stream(proposed: RelationshipProposed) -> ProjectedStream:
    state = evolve(initial_state_from(proposed), proposed)
    return ProjectedStream(version=1, relationship=state, initial_mode=proposed.mode)


def advance(stream: ProjectedStream, event: Event) -> ProjectedStream:
    """Fold one more event (the stream's next version)."""
    before = stream.relationship
    after = evolve(before, event)
    changes: dict[str, Any] = {"version": stream.version + 1, "relationship": after}
    if after.meetings is not before.meetings:
        changes["meeting_status_at"] = _status_times(stream, before, after, event)
    if isinstance(event, ModeBecameMutual):
        changes["became_mutual_at"] = event.occurred_at
    if after.is_terminal and not before.is_terminal:
        changes["ended_at"] = event.occurred_at
    return stream.model_copy(update=changes)


def _status_times(
    stream: ProjectedStream, before: RelationshipState, after: RelationshipState, event: Event
) -> dict[int, AwareDatetime]:
    times = dict(stream.meeting_status_at)
    old = {m.number: m.status for m in before.meetings}
    for meeting in after.meetings:
        if old.get(meeting.number) != meeting.status or meeting.number not in times:
            times[meeting.number] = event.occurred_at
    return times
