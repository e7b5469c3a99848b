"""The pure half of the projector: from a stream's state and new events to read-table changes.

Meetings and pending prompts are derived from the folded state (a diff between before and after
the batch); check-in answers, reflections and escalation cases from the events themselves, in
their order. Either way the result
depends only on the events, never on how they were split into batches: that is what makes a
rebuild identical to the live tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.escalation_cases import OPENING_LEVEL, escalation_assignee, escalation_key
from domain.events import (
    CheckInSubmitted,
    EscalationOpened,
    EscalationOverdue,
    EscalationResolved,
    Event,
    ReflectionSubmitted,
    RelationshipProposed,
)
from domain.prompts import Prompt
from domain.schedule import next_due_at
from domain.state import Meeting, RelationshipState
from domain.views import participant_phase
from projections.rows import (
    CheckInAnswerRow,
    ClosingReflectionRow,
    MeetingRow,
    PendingPromptRow,
    RelationshipReadRow,
)
from projections.stream import ProjectedStream, advance, start_stream
from store.escalations import EscalationChange, NewEscalation, OverdueChange, Resolution


class ProjectionError(Exception):
    """The stream cannot be folded (it does not start with a proposal)."""


@dataclass(frozen=True, slots=True)
class Changes:
    relationship: RelationshipReadRow
    meetings: list[MeetingRow] = field(default_factory=list)
    prompts_opened: list[PendingPromptRow] = field(default_factory=list)
    # Keys (relationship_id, prompt_id) of prompts answered, withdrawn or expired.
    prompts_closed: list[tuple[str, str]] = field(default_factory=list)
    checkin_answers: list[CheckInAnswerRow] = field(default_factory=list)
    reflections: list[ClosingReflectionRow] = field(default_factory=list)
    # In event order: a case opens before it goes overdue, and goes overdue before it resolves.
    escalations: list[EscalationChange] = field(default_factory=list)


def project_events(
    before: ProjectedStream | None, events: Sequence[Event]
) -> tuple[ProjectedStream, Changes]:
    """Fold `events` (the stream's next versions, in order) and say what the tables must change.

    `before` is None for a stream seen for the first time; its first event must then be the
    proposal, which carries everything the initial state needs.
    """
    if not events:
        raise ValueError("project_events needs at least one event")
    stream, rest = _starting_point(before, events)
    answers: list[CheckInAnswerRow] = []
    reflections: list[ClosingReflectionRow] = []
    escalations: list[EscalationChange] = []
    for event in rest:
        state = stream.relationship
        if isinstance(event, CheckInSubmitted):
            answers.append(_checkin_row(state, event))
        elif isinstance(event, ReflectionSubmitted):
            reflections.append(_reflection_row(state, event))
        elif isinstance(event, EscalationOpened | EscalationOverdue | EscalationResolved):
            escalations.append(_escalation_change(state, event))
        stream = advance(stream, event)
    opened, closed = _prompt_diff(before, stream)
    changes = Changes(
        relationship=relationship_row(stream),
        meetings=_meeting_diff(before, stream),
        prompts_opened=opened,
        prompts_closed=closed,
        checkin_answers=answers,
        reflections=reflections,
        escalations=escalations,
    )
    return stream, changes


def _starting_point(
    before: ProjectedStream | None, events: Sequence[Event]
) -> tuple[ProjectedStream, Sequence[Event]]:
    if before is not None:
        return before, events
    first = events[0]
    if not isinstance(first, RelationshipProposed):
        raise ProjectionError(f"a relationship stream starts with a proposal, not {first.type}")
    return start_stream(first), events[1:]


def relationship_row(stream: ProjectedStream) -> RelationshipReadRow:
    state = stream.relationship
    assert state.last_event_at is not None  # every folded stream has at least one event
    return RelationshipReadRow(
        relationship_id=state.relationship_id,
        programme_id=state.programme_id,
        mentor_id=state.mentor_id,
        mentee_id=state.mentee_id,
        phase=state.phase.value,
        mode=state.mode.value,
        health=state.health.level.value,
        next_due_at=next_due_at(state),
        escalation_open=state.escalation_open,
        last_version=stream.version,
        # The event's own time, not now(): a rebuild must give the same row.
        updated_at=state.last_event_at,
        proposed_at=state.proposed_at,
        initial_mode=stream.initial_mode.value,
        became_mutual_at=stream.became_mutual_at,
        term_number=state.term_number,
        end_reason=state.end_reason if state.is_terminal else None,
        ended_at=stream.ended_at,
        participant_phase=participant_phase(state).value,
    )


def _meeting_diff(before: ProjectedStream | None, after: ProjectedStream) -> list[MeetingRow]:
    old = {} if before is None else {row.number: row for row in _meeting_rows(before)}
    return [row for row in _meeting_rows(after) if old.get(row.number) != row]


def _meeting_rows(stream: ProjectedStream) -> list[MeetingRow]:
    rid = stream.relationship.relationship_id
    return [
        _meeting_row(rid, m, stream.meeting_status_at[m.number])
        for m in stream.relationship.meetings
    ]


def _meeting_row(relationship_id: str, meeting: Meeting, status_at: datetime) -> MeetingRow:
    return MeetingRow(
        relationship_id=relationship_id,
        number=meeting.number,
        term_number=meeting.term_number,
        scheduled_at=meeting.scheduled_at,
        ends_at=meeting.ends_at,
        status=meeting.status.value,
        revision=meeting.revision,
        status_changed_at=status_at,
    )


def _prompt_diff(
    before: ProjectedStream | None, after: ProjectedStream
) -> tuple[list[PendingPromptRow], list[tuple[str, str]]]:
    old = {} if before is None else _open_prompt_rows(before.relationship)
    new = _open_prompt_rows(after.relationship)
    opened = [row for key, row in new.items() if old.get(key) != row]
    closed = [(after.relationship.relationship_id, key) for key in old if key not in new]
    return opened, closed


def _open_prompt_rows(state: RelationshipState) -> dict[str, PendingPromptRow]:
    return {p.prompt_id: _prompt_row(state.relationship_id, p) for p in state.open_prompts}


def _prompt_row(relationship_id: str, prompt: Prompt) -> PendingPromptRow:
    context = prompt.context
    return PendingPromptRow(
        relationship_id=relationship_id,
        prompt_id=prompt.prompt_id,
        recipient_id=prompt.recipient_id,
        kind=prompt.kind.value,
        issued_at=prompt.issued_at,
        due_at=prompt.due_at,
        remind_at=prompt.remind_at,
        term_number=context.term_number,
        contract_version=context.contract_version,
        meeting_number=context.meeting_number,
        meeting_scheduled_at=context.meeting_scheduled_at,
        checkin_round=context.checkin_round,
    )


def _role(state: RelationshipState, respondent_id: str) -> str:
    role = state.role_of(respondent_id)
    if role is None:
        raise ProjectionError("an answer came from someone outside the pair")
    return role.value


def _checkin_row(state: RelationshipState, e: CheckInSubmitted) -> CheckInAnswerRow:
    scores = [p.score for p in e.goal_progress]
    return CheckInAnswerRow(
        relationship_id=state.relationship_id,
        term_number=state.term_number,
        round_number=e.round_number,
        respondent_id=e.respondent_id,
        role=_role(state, e.respondent_id),
        mode=state.mode.value,
        satisfaction=e.satisfaction,
        psychological_safety=e.psychological_safety,
        average_progress=sum(scores) / len(scores) if scores else None,
        focus=e.focus.value,
        tension_flag=e.tension_flag,
        learning_goes_both_ways=e.learning_goes_both_ways,
        submitted_at=e.occurred_at,
    )


def _reflection_row(state: RelationshipState, e: ReflectionSubmitted) -> ClosingReflectionRow:
    return ClosingReflectionRow(
        relationship_id=state.relationship_id,
        term_number=e.term_number,
        respondent_id=e.respondent_id,
        role=_role(state, e.respondent_id),
        mode=state.mode.value,
        goals_rated=len(e.goals_achieved),
        goals_achieved=sum(1 for outcome in e.goals_achieved if outcome.achieved),
        continue_informally=e.continue_informally,
        want_renewal=e.want_renewal,
        submitted_at=e.occurred_at,
    )


def _escalation_change(
    state: RelationshipState, e: EscalationOpened | EscalationOverdue | EscalationResolved
) -> EscalationChange:
    key = escalation_key(state.relationship_id, e.escalation_id)
    if isinstance(e, EscalationOpened):
        return NewEscalation(
            escalation_key=key,
            relationship_id=state.relationship_id,
            programme_id=state.programme_id,
            reason_codes=list(e.reasons),
            severity=e.severity.value,
            level=OPENING_LEVEL,
            assigned_to=escalation_assignee(state, OPENING_LEVEL),
            respond_by=e.respond_by,
            opened_at=e.occurred_at,
            private_note=e.private_note,
            author_id=e.raised_by,
        )
    if isinstance(e, EscalationOverdue):
        return OverdueChange(
            escalation_key=key,
            level=e.level,
            assigned_to=escalation_assignee(state, e.level),
            respond_by=e.respond_by,
            occurred_at=e.occurred_at,
        )
    return Resolution(escalation_key=key, resolution=e.resolution, resolved_at=e.occurred_at)
