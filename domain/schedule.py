"""Time without timers: what falls due when, so the workflow needs one sleep and one `Tick`."""

from datetime import datetime, timedelta
from enum import IntEnum
from typing import NamedTuple

from domain.slots import cadence_in_weeks, next_series_occurrence
from domain.state import MeetingStatus, Phase, RelationshipState


class DueKind(IntEnum):
    """Also the processing order for items due at the same instant."""

    # The end of a pause one of the pair asked for comes before the pause's own limit.
    REQUESTED_PAUSE_END = 0
    PROMPT_REMINDER = 1
    MEETING_REMINDER = 2
    MEETING_LOG_REQUEST = 3
    PROMPT_EXPIRY = 4
    CHECKIN = 5
    ESCALATION_DEADLINE = 6
    TERM_END = 7
    PAUSE_REMINDER = 8
    PAUSE_LIMIT = 9


class DueItem(NamedTuple):
    at: datetime
    kind: DueKind
    ref: str


def due_items(state: RelationshipState) -> list[DueItem]:
    if not state.started or state.is_terminal:
        return []
    if state.phase == Phase.PAUSED:
        return _paused_items(state)
    items = [*_prompt_items(state), *_meeting_items(state), *_escalation_items(state)]
    if state.next_checkin_at is not None:
        items.append(DueItem(state.next_checkin_at, DueKind.CHECKIN, str(state.next_checkin_round)))
    # A term never closes in the middle of a mediation; it closes once that is resolved.
    if state.phase == Phase.ACTIVE and state.term_end is not None:
        items.append(DueItem(state.term_end, DueKind.TERM_END, "term"))
    return items


def _escalation_items(state: RelationshipState) -> list[DueItem]:
    escalation = state.open_escalation
    if escalation is None or escalation.respond_by is None:
        return []
    return [DueItem(escalation.respond_by, DueKind.ESCALATION_DEADLINE, escalation.escalation_id)]


def _paused_items(state: RelationshipState) -> list[DueItem]:
    """A pause stops the pair's clock, not the coordinator's: nothing waits for ever."""
    if state.legacy_rules:
        return []  # histories recorded before pauses had deadlines
    items = _escalation_items(state)
    # Pauses carried over from before `paused_at` existed count from the last event.
    paused_at = state.paused_at or state.last_event_at
    if paused_at is None:
        return items
    policy = state.policy
    limit = paused_at + policy.max_pause
    reminder = paused_at + (state.pause_reminders_sent + 1) * policy.pause_reminder_interval
    if reminder < limit:
        items.append(DueItem(reminder, DueKind.PAUSE_REMINDER, str(state.pause_reminders_sent + 1)))
    items.append(DueItem(limit, DueKind.PAUSE_LIMIT, "pause"))
    resume_at = state.pause_resume_at
    # A leave or a reporting-line conflict holds the pair: the date waits until it is settled.
    if resume_at is not None and not state.on_leave and not state.reporting_line_conflict_open:
        items.append(DueItem(resume_at, DueKind.REQUESTED_PAUSE_END, "pause"))
    return items


def _prompt_items(state: RelationshipState) -> list[DueItem]:
    items = []
    for prompt in state.open_prompts:
        if prompt.remind_at is not None and not prompt.reminder_sent:
            items.append(DueItem(prompt.remind_at, DueKind.PROMPT_REMINDER, prompt.prompt_id))
        items.append(DueItem(prompt.due_at, DueKind.PROMPT_EXPIRY, prompt.prompt_id))
    return items


def _meeting_items(state: RelationshipState) -> list[DueItem]:
    items = []
    for meeting in state.meetings:
        if meeting.status != MeetingStatus.SCHEDULED:
            continue
        ref = str(meeting.number)
        if not meeting.reminder_sent:
            items.append(DueItem(meeting.reminder_at, DueKind.MEETING_REMINDER, ref))
        items.append(DueItem(meeting.ends_at, DueKind.MEETING_LOG_REQUEST, ref))
    return items


def first_due(state: RelationshipState) -> DueItem | None:
    return state.first_due_item


def earliest_due(state: RelationshipState) -> DueItem | None:
    """What `first_due` remembers per state (states are immutable): `min(due_items(state))`,
    from the earliest item of each part, so that the prompts' and meetings' parts (which most
    events leave alone) come from the state's memory rather than a scan."""
    if not state.started or state.is_terminal:
        return None
    if state.phase == Phase.PAUSED:
        return min(_paused_items(state), default=None)
    firsts = [state.prompt_due_item, state.meeting_due_item, *_escalation_items(state)]
    if state.next_checkin_at is not None:
        firsts.append(
            DueItem(state.next_checkin_at, DueKind.CHECKIN, str(state.next_checkin_round))
        )
    if state.phase == Phase.ACTIVE and state.term_end is not None:
        firsts.append(DueItem(state.term_end, DueKind.TERM_END, "term"))
    return min((item for item in firsts if item is not None), default=None)


def earliest_prompt_item(state: RelationshipState) -> DueItem | None:
    return min(_prompt_items(state), default=None)


def earliest_meeting_item(state: RelationshipState) -> DueItem | None:
    return min(_meeting_items(state), default=None)


def next_due_at(state: RelationshipState) -> datetime | None:
    """When the workflow should wake up and send `Tick` (None: wait for input only)."""
    item = first_due(state)
    return None if item is None else item.at


def reminder_time(issued_at: datetime, due_at: datetime, lead: timedelta) -> datetime | None:
    """A reminder only makes sense if it lands after the prompt went out."""
    remind_at = due_at - lead
    return remind_at if remind_at > issued_at else None


def _first_after(base: datetime, step: timedelta, now: datetime) -> datetime:
    """The first of base + k*step (k >= 1) strictly after now, without looping for ages."""
    candidate = base + step
    if candidate > now:
        return candidate
    skipped = (now - candidate) // step + 1
    return candidate + skipped * step


def next_meeting_slot(state: RelationshipState, now: datetime) -> datetime | None:
    """Next meeting time on the agreed cadence, or None when no contract is in force."""
    contract = state.contract
    if contract is None:
        return None
    if contract.terms.slot is not None and state.series_first_at is not None:
        return _next_on_slot(state, now)
    cadence = contract.terms.cadence
    last = state.meetings[-1] if state.meetings else None
    # Continue the rhythm of this term; after a pause, cancellation or new term, restart from now.
    if (
        last is None
        or last.term_number != state.term_number
        or last.status == MeetingStatus.CANCELLED
    ):
        return now + cadence
    return _first_after(last.scheduled_at, cadence, now)


def _next_on_slot(state: RelationshipState, now: datetime) -> datetime | None:
    """Meeting N is the Nth occurrence of the slot in its anchor zone, at the cadence.

    The series counts on the anchor's calendar, so clock changes in either zone keep the
    agreed wall time; a moved meeting moves alone, and the next one is the next occurrence
    after the one the rule gave it. After a pause the series goes on from now.
    """
    contract = state.contract
    assert contract is not None
    slot, first = contract.terms.slot, state.series_first_at
    assert slot is not None
    assert first is not None
    weeks = cadence_in_weeks(contract.terms.cadence)
    if weeks is None:
        return None  # not accepted by validation; no series can follow such a cadence
    after = now
    last = state.meetings[-1] if state.meetings else None
    regular = last.regular_at if last is not None else None
    if regular is not None and regular >= first:
        after = max(after, regular)
    return next_series_occurrence(slot, first, weeks, after)


def next_checkin_slot(state: RelationshipState, now: datetime) -> datetime:
    interval = state.policy.checkin_interval
    if state.checkin_anchor is None:
        return now + interval
    return _first_after(state.checkin_anchor, interval, now)
