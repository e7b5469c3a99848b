"""One person's view of their relationship's history.

Lines come from the event store, described in roles (``domain.views.describe_event``). What a
person wrote (meeting logs, check-ins, reflections, private notes, a decline reason) is shown to
that person only; the partner sees that it happened, never what it said. Health assessments and
escalations are left out altogether: they are computed from, or raised by, private answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from domain.events import (
    EVENT_ADAPTER,
    CheckInSubmitted,
    ConcernRaised,
    EscalationOpened,
    Event,
    MatchDeclined,
    MeetingLogSubmitted,
    PauseRequested,
    ReflectionSubmitted,
)
from domain.state import RelationshipState
from domain.views import describe_event
from store.database import Pool
from store.event_store import read_stream
from store.personal_data import Sealer

# Bookkeeping the person has no use for, or facts derived from someone else's private answers.
HIDDEN_TYPES = frozenset(
    {
        "health_assessed",
        "escalation_opened",
        "escalation_overdue",
        "escalation_resolved",
        "prompt_closed",
        "prompt_reminder_due",
        "meeting_reminder_due",
        "checkin_scheduled",
        # Notes for the coordinator, and a move the partner has not answered yet.
        "concern_raised",
        "pause_requested",
        "participant_withdrew",
        "meeting_move_requested",
    }
)


@dataclass(frozen=True)
class TimelineEntry:
    line: str
    own_answer: list[str] = field(default_factory=list)


def _own_answer(event: Event, person_id: str) -> list[str]:
    """The author's own words and scores; empty for anyone else."""
    match event:
        case MeetingLogSubmitted(respondent_id=author) if author == person_id:
            return [
                f"Happened: {'yes' if event.happened else 'no'}",
                *([f"I learned: {event.learned}"] if event.learned else []),
                *([f"I taught: {event.taught}"] if event.taught else []),
            ]
        case CheckInSubmitted(respondent_id=author) if author == person_id:
            return [
                f"Satisfaction {event.satisfaction}/5, safety {event.psychological_safety}/5,"
                f" focus {event.focus.value.replace('_', ' ')}",
                *[f"Goal {p.goal_number}: {p.score}/5" for p in event.goal_progress],
                *(["I flagged a tension"] if event.tension_flag else []),
                *([f"My private note: {event.private_note}"] if event.private_note else []),
            ]
        case ReflectionSubmitted(respondent_id=author) if author == person_id:
            achieved = sum(1 for outcome in event.goals_achieved if outcome.achieved)
            return [
                f"Goals achieved: {achieved} of {len(event.goals_achieved)}",
                *([f"I learned: {event.learned}"] if event.learned else []),
                *([f"I taught: {event.taught}"] if event.taught else []),
            ]
        case MatchDeclined(participant_id=author) if author == person_id and event.reason:
            return [f"My reason: {event.reason}"]
        case EscalationOpened(raised_by=author) if author == person_id and event.private_note:
            return [f"My note to the coordinator: {event.private_note}"]
        case ConcernRaised(participant_id=author) if author == person_id and event.private_note:
            return [f"My note to the coordinator: {event.private_note}"]
        case PauseRequested(participant_id=author) if author == person_id:
            return [f"I asked to pause until {event.resume_at:%Y-%m-%d %H:%M} UTC"]
    return []


def _partners_checkin(event: Event, person_id: str) -> bool:
    # When the partner answered is theirs alone: to the minute, next to a mediation, it would
    # name who raised a concern. The round itself shows (its prompts), not who finished when.
    return isinstance(event, CheckInSubmitted) and event.respondent_id != person_id


def entries_for(
    state: RelationshipState, events: list[Event], person_id: str
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for event in events:
        own = _own_answer(event, person_id)
        if (event.type in HIDDEN_TYPES and not own) or _partners_checkin(event, person_id):
            continue
        entries.append(TimelineEntry(line=describe_event(state, event), own_answer=own))
    return entries


async def personal_timeline(
    pool: Pool, state: RelationshipState, person_id: str, sealer: Sealer | None = None
) -> list[TimelineEntry]:
    async with pool.acquire() as conn:
        stored = await read_stream(conn, state.relationship_id)
        datas = [row.data for row in stored]
        if sealer is not None:
            datas = await sealer.unseal_all(conn, datas)
    events: list[Event] = []
    for data in datas:
        try:
            events.append(EVENT_ADAPTER.validate_python(data))
        except ValidationError:
            # An event of a newer schema than this web process knows: skip, never fail the page.
            continue
    return entries_for(state, events, person_id)
