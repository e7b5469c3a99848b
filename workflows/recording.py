"""How a relationship records a batch of events with their messages (and their read tables).

`record_events` stores a batch in one PostgreSQL transaction. Since `RECORD_EVENTS_LOCAL_PATCH`
it runs as a local activity, inside the workflow task that produced the events; when PostgreSQL
is slow or down, the batch goes to the regular activity instead, which retries until it is back.
Histories recorded before the patch keep the regular activity, and those recorded before
`ESCALATIONS_PROJECTED` replay the two escalation activities they ran after each batch.

Imported passed through the sandbox (the module keeps no state): a relationship run carries
one small `Recorder`, not a fresh copy of this module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from activities.models import (
        EscalationCase,
        EscalationUpdate,
        EventEnvelope,
        NotificationRequest,
        RecordEventsInput,
        RecordEventsResult,
        open_escalation,
        record_events,
        update_escalation,
    )
    from domain import (
        EscalationOpened,
        EscalationOverdue,
        EscalationResolved,
        Event,
        NotificationIntent,
        RelationshipState,
    )
    from domain.escalation_cases import OPENING_LEVEL, escalation_assignee, escalation_key

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Temporal retries side effects until they succeed; the backoff stays short because a
# notification that waits an hour for a flaky database defeats its purpose.
ACTIVITY_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
# Histories recorded before this patch open and update escalation cases through two activities
# of their own; since then `record_events` projects the cases from the events it stores.
ESCALATIONS_PROJECTED = "escalations-projected-from-events"

# Since this patch a batch of events is recorded by `record_events` as a local activity: it runs
# inside the workflow task that produced the events and leaves one marker in history, instead of
# scheduled/started/completed events, an activity task round trip and a second workflow task.
# Histories recorded before it keep the regular activity; so does a run that started before it.
RECORD_EVENTS_LOCAL_PATCH = "record-events-local"
# The local attempts are bounded inside the workflow task timeout (10 s by default; the SDK
# extends the task by itself past 8 s, which costs three history events, not a failure), and far
# below `local_retry_threshold` (1 minute), past which retries would turn into timers in
# history. While they run the workflow task stays open and updates wait for the next one. When
# PostgreSQL is down (refused at once) or hangs, the batch goes to the regular activity after
# these attempts, which retries without end while the workflow keeps applying answers: a local
# activity retrying for the whole outage would hold every answer of the pair back. An attempt
# that committed before it timed out costs nothing when recorded again: `record_events` is
# idempotent by stream version.
LOCAL_RECORD_ATTEMPT = timedelta(seconds=3)
LOCAL_RECORD_BUDGET = timedelta(seconds=6)
LOCAL_RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=100),
    maximum_interval=timedelta(seconds=1),
    maximum_attempts=3,
)

Batch = list[tuple[int, Event]]


class Recorder:
    """Records one relationship run's batches, and says whether one waits for PostgreSQL."""

    def __init__(self, records_locally: bool) -> None:
        self.records_locally = records_locally
        # While a batch waits for the regular activity (PostgreSQL unreachable), updates reply
        # at once rather than for the whole outage; see `record`.
        self.recording_remotely = False

    async def record(
        self,
        state: RelationshipState,
        batch: Batch,
        intents: list[NotificationIntent],
        reply_to_waiting: Callable[[], None],
    ) -> RecordEventsResult:
        """Store `batch` with the messages of `intents`; `reply_to_waiting` settles the commands
        that wait for it when it has to wait for PostgreSQL (their events stay in history)."""
        envelopes = [EventEnvelope.of(version, event) for version, event in batch]
        request = RecordEventsInput(
            stream_id=state.relationship_id,
            events=envelopes,
            notifications=[_notification(state, intent) for intent in intents],
        )
        summary = f"record events {envelopes[0].stream_version}-{envelopes[-1].stream_version}"
        if self.records_locally:
            recorded = await _recorded_locally(request, summary)
            if recorded is not None:
                return recorded
            # PostgreSQL is slow or unreachable: updates reply now, and the events are stored
            # once it is back (the workflow's history holds them meanwhile).
            reply_to_waiting()
            self.recording_remotely = True
        try:
            return await workflow.execute_activity(
                record_events,
                request,
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
                summary=summary,
            )
        finally:
            self.recording_remotely = False


async def _recorded_locally(request: RecordEventsInput, summary: str) -> RecordEventsResult | None:
    """Record in this workflow task; None when the bounded local attempts all failed."""
    try:
        return await workflow.execute_local_activity(
            record_events,
            request,
            start_to_close_timeout=LOCAL_RECORD_ATTEMPT,
            schedule_to_close_timeout=LOCAL_RECORD_BUDGET,
            retry_policy=LOCAL_RECORD_RETRY,
            summary=summary,
        )
    except FailureError:
        # A local activity's last failure arrives as its own error (an ApplicationError,
        # a timeout), not wrapped in an ActivityError as a regular activity's is.
        # Logged without the error text: it may quote the events' content.
        workflow.logger.warning("local record_events failed; recording as an activity")
        return None


def _notification(state: RelationshipState, intent: NotificationIntent) -> NotificationRequest:
    return NotificationRequest(
        idempotency_key=intent.idempotency_key,
        relationship_id=state.relationship_id,
        recipient_id=intent.recipient_id,
        recipient_role=intent.recipient_role,
        template=intent.template,
        data=dict(intent.data),
    )


# -- histories recorded before the escalation cases were projected ------------------------------

_ESCALATION_EVENTS = (EscalationOpened, EscalationOverdue, EscalationResolved)


async def legacy_escalation_effects(batch: Batch, current: Callable[[], RelationshipState]) -> None:
    """Replays what older histories did after recording escalation events.

    Asked only when the batch holds such an event, so a pair that never escalates carries no
    patch marker. `current` is the relationship's state as it stands at each step: those
    histories read it after every activity, and answers may have arrived meanwhile.
    """
    events = [e for _, e in batch if isinstance(e, _ESCALATION_EVENTS)]
    if not events or workflow.patched(ESCALATIONS_PROJECTED):
        return
    for event in events:
        if isinstance(event, EscalationOpened):
            await workflow.execute_activity(
                open_escalation,
                _case(current(), event),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
                summary=f"open escalation {_short(event.escalation_id)}",
            )
        else:
            await workflow.execute_activity(
                update_escalation,
                _update(current(), event),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
                summary=f"update escalation {_short(event.escalation_id)}",
            )


def _short(escalation_id: str) -> str:
    """`escalation:2` -> `2`, for activity summaries."""
    return escalation_id.rsplit(":", 1)[-1]


def _case(state: RelationshipState, event: EscalationOpened) -> EscalationCase:
    return EscalationCase(
        escalation_key=escalation_key(state.relationship_id, event.escalation_id),
        relationship_id=state.relationship_id,
        programme_id=state.programme_id,
        reason_codes=list(event.reasons),
        severity=event.severity.value,
        level=OPENING_LEVEL,
        assigned_to=escalation_assignee(state, OPENING_LEVEL),
        respond_by=event.respond_by,
        opened_at=event.occurred_at,
        private_note=event.private_note,
    )


def _update(
    state: RelationshipState, event: EscalationOverdue | EscalationResolved
) -> EscalationUpdate:
    key = escalation_key(state.relationship_id, event.escalation_id)
    if isinstance(event, EscalationOverdue):
        return EscalationUpdate(
            escalation_key=key,
            status="overdue",
            level=event.level,
            assigned_to=escalation_assignee(state, event.level),
            respond_by=event.respond_by,
            occurred_at=event.occurred_at,
        )
    return EscalationUpdate(
        escalation_key=key,
        status="resolved",
        resolution=event.resolution,
        occurred_at=event.occurred_at,
    )
