"""One mentoring relationship as a durable workflow.

The workflow only orchestrates: every update, signal and timer becomes a domain command, the pure
decider in `domain/` turns it into events, and the events are folded into the state and handed to
activities (event store, read tables, outbox). All business rules live in `domain/`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import ParamSpec, TypeVar, cast

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.models import EventEnvelope
    from domain import (
        AnswerPrompt,
        Command,
        DomainError,
        Event,
        NotificationIntent,
        ParticipantCommand,
        Prompt,
        RelationshipState,
        Tick,
        WindDown,
        decide,
        evolve,
        initial_state,
        is_duplicate_answer,
        next_due_at,
        notifications_for,
        operator_summary,
        pending_prompts,
        timeline,
        validate_answer,
    )
    from domain.views import participant_phase
    from workflows import search_attributes as attrs
    from workflows.due_timer import DueTimer
    from workflows.programme_io import RELATIONSHIP_CLOSED, WIND_DOWN, RelationshipClosed
    from workflows.recording import RECORD_EVENTS_LOCAL_PATCH, Recorder, legacy_escalation_effects
    from workflows.relationship_io import (
        AnswerReceipt,
        CarriedOver,
        CommandReceipt,
        CoordinatorCommand,
        HrEvent,
        ParticipantReceipt,
        PromptsQuery,
        RelationshipInput,
        RelationshipOutcome,
    )
    from workflows.unconfirmed import Confirmed, PendingCommand, settle_all

# Every state has a deadline (pause limits, the owner's last notice, ...): histories recorded
# before these rules replay with the old ones, running workflows switch at their next run.
LIVENESS_RULES_PATCH = "liveness-rules"

# Since this patch the next due time keeps one timer until that time moves (`DueTimer`), instead
# of a timer cancelled and started again each time the run loop wakes.
STEADY_DUE_TIMER_PATCH = "steady-due-timer"
# Ticks decided in a row before their events are recorded (a bound, should a tick ever leave
# something due at the same moment).
TICKS_PER_BATCH = 20


# Each run stays well under Temporal's own suggestion (4,096 events / 4 MiB) so that replaying a
# relationship after a cache eviction stays cheap; the state carried over is small.
HISTORY_EVENTS_PER_RUN = 1000
HISTORY_BYTES_PER_RUN = 768 * 1024


def _history_is_long() -> bool:
    info = workflow.info()
    return (
        info.is_continue_as_new_suggested()
        or info.get_current_history_length() >= HISTORY_EVENTS_PER_RUN
        or info.get_current_history_size() >= HISTORY_BYTES_PER_RUN
    )


P = ParamSpec("P")
R = TypeVar("R")


def async_update(
    *, name: str, description: str
) -> Callable[[Callable[P, Awaitable[R]]], workflow.UpdateMethodMultiParam[P, R]]:
    """`workflow.update` for an async handler. The SDK's named form types the handle's result as
    the coroutine rather than what it returns; callers of `execute_update` need the latter."""
    return cast(
        Callable[[Callable[P, Awaitable[R]]], workflow.UpdateMethodMultiParam[P, R]],
        workflow.update(name=name, description=description),
    )


class CommandRejectedError(ApplicationError):
    """A domain rule refused the command: retrying cannot help."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.message, type=error.code.value, non_retryable=True)


@workflow.defn(name="Relationship")
class RelationshipWorkflow:
    """Proposal to closure of one pair; operated from the Temporal Web UI."""

    @workflow.init
    def __init__(self, input: RelationshipInput) -> None:
        carried = input.carried_over
        self._state: RelationshipState = carried.state if carried else initial_state(input.start)
        self._stream_version = carried.stream_version if carried else 0
        self._confirmed = Confirmed(state=self._state, version=self._stream_version)
        self._unrecorded: list[tuple[int, Event]] = []
        self._intents: list[NotificationIntent] = []
        self._pending: list[PendingCommand] = []
        self._published: dict[str, object] = {}
        # Asked before anything else, so the answer holds for every handler of this run.
        self._recorder = Recorder(records_locally=workflow.patched(RECORD_EVENTS_LOCAL_PATCH))
        self._due_timer = DueTimer() if workflow.patched(STEADY_DUE_TIMER_PATCH) else None
        if carried is None:
            # Started here rather than in run(): an update may arrive in the very first
            # activation, and it must find a proposed relationship, not an empty one.
            self._execute(input.start)

    # -- the run loop -------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: RelationshipInput) -> RelationshipOutcome:
        legacy = not workflow.patched(LIVENESS_RULES_PATCH)
        if legacy != self._state.legacy_rules:
            self._state = self._state.model_copy(update={"legacy_rules": legacy})
            confirmed = self._confirmed.state.model_copy(update={"legacy_rules": legacy})
            self._confirmed = Confirmed(state=confirmed, version=self._confirmed.version)
        while True:
            await self._flush()
            self._publish()
            if self._state.is_terminal:
                break
            if _history_is_long():
                await self._continue_as_new(input)
            await self._wait_for_input_or_due_time()
        await self._finish_handlers()
        await self._notify_programme()
        return self._outcome()

    async def _notify_programme(self) -> None:
        """Tell the programme that started this pair how it ended, so it can rematch."""
        parent = workflow.info().parent
        # Started by hand or by HR there is nobody to tell; the patch keeps older histories
        # (which never sent this signal) replaying unchanged.
        if parent is None or not workflow.patched("notify-programme-on-close"):
            return
        outcome = self._outcome()
        closed = RelationshipClosed(
            relationship_id=outcome.relationship_id,
            phase=outcome.phase,
            mode=outcome.mode,
            end_reason=outcome.end_reason,
            rematch_requested=outcome.rematch_requested,
            meetings_held=outcome.meetings_held,
            left_participant_id=outcome.left_participant_id,
        )
        try:
            # By workflow id only: the programme may have continued as new since it started us.
            programme = workflow.get_external_workflow_handle(parent.workflow_id)
            await programme.signal(RELATIONSHIP_CLOSED, closed)
        except FailureError:
            # The programme is gone (closed or terminated): the relationship still completes.
            workflow.logger.info("programme not notified: it is no longer running")

    async def _wait_for_input_or_due_time(self) -> None:
        due = next_due_at(self._state)
        timer = self._due_timer
        if timer is not None:
            timer.arm(due)
            await workflow.wait_condition(lambda: bool(self._unrecorded) or timer.fired)
            # Whatever falls due at this moment is decided before the events are recorded.
            for _ in range(TICKS_PER_BATCH):
                if not timer.take():
                    return
                self._execute(Tick())
                timer.arm(next_due_at(self._state))
            return
        # As runs recorded before the steady timer waited: a timer per wait.
        timeout = None if due is None else max(due - workflow.now(), timedelta(0))
        try:
            await workflow.wait_condition(
                lambda: bool(self._unrecorded),
                timeout=timeout,
                timeout_summary=f"next due: {due.isoformat()}" if due else None,
            )
        except TimeoutError:
            self._execute(Tick())

    async def _continue_as_new(self, input: RelationshipInput) -> None:
        await self._finish_handlers()
        workflow.continue_as_new(
            RelationshipInput(
                start=input.start,
                carried_over=CarriedOver(state=self._state, stream_version=self._stream_version),
            )
        )

    async def _finish_handlers(self) -> None:
        """Record until no handler is left: they may still be applying answers, whose events
        this run must record, and on local recording they wait for that record to reply."""
        if not self._recorder.records_locally:
            # As histories recorded before local recording did it.
            await workflow.wait_condition(workflow.all_handlers_finished)
            await self._flush()
            return
        while True:
            await self._flush()
            if workflow.all_handlers_finished():
                return
            await workflow.wait_condition(
                lambda: workflow.all_handlers_finished() or bool(self._unrecorded)
            )

    # -- commands -----------------------------------------------------------------------------

    def _execute(self, command: Command, pending: PendingCommand | None = None) -> PendingCommand:
        """Decide, fold, and queue the effects; raises DomainError when refused."""
        events = decide(self._state, command, workflow.now())
        for event in events:
            before = self._state
            self._state = evolve(self._state, event)
            self._stream_version += 1
            self._unrecorded.append((self._stream_version, event))
            self._intents.extend(notifications_for(before, event, self._state))
        pending = pending or PendingCommand(command=command, awaited=False)
        if not events or not self._recorder.records_locally:
            # Nothing to confirm; or a run from before local recording, which replied at once.
            pending.settle()
            return pending
        self._pending.append(pending)
        if not pending.awaited or self._recorder.recording_remotely:
            pending.settle()
        return pending

    async def _apply(self, command: Command) -> None:
        """An update's command: refused at once, or answered once its events are stored."""
        try:
            pending = self._execute(command, PendingCommand(command=command, awaited=True))
        except DomainError as error:
            raise CommandRejectedError(error) from None
        if not pending.settled:
            await workflow.wait_condition(lambda: pending.settled)
        if pending.refusal is not None:
            raise CommandRejectedError(pending.refusal)

    def _check(self, command: Command) -> None:
        """Validators run the pure decider on the current state and discard the events."""
        try:
            decide(self._state, command, workflow.now())
        except DomainError as error:
            raise CommandRejectedError(error) from None

    # -- participants -------------------------------------------------------------------------

    @async_update(
        name="answer_prompt",
        description="A participant answers one of their prompts (consent, contract, log, ...).",
    )
    async def answer_prompt(self, command: AnswerPrompt) -> AnswerReceipt:
        duplicate = is_duplicate_answer(self._state, command.answer_id)
        if not duplicate:
            await self._apply(command)
        # The phase as the participants see it: a mediation they were not told of stays hidden.
        return AnswerReceipt(
            prompt_id=command.prompt_id,
            duplicate=duplicate,
            phase=participant_phase(self._state).value,
        )

    @answer_prompt.validator
    def _validate_answer(self, command: AnswerPrompt) -> None:
        if is_duplicate_answer(self._state, command.answer_id):
            return
        try:
            validate_answer(self._state, command, workflow.now())
        except DomainError as error:
            raise CommandRejectedError(error) from None

    @async_update(
        name="participant_action",
        description=(
            "One of the pair asks for something between prompts: raise_concern (private to the"
            " coordinator), request_pause (until a date), resume_early, leave_relationship,"
            " propose_mutual, propose_amendment, move_meeting."
        ),
    )
    async def participant_action(self, command: ParticipantCommand) -> ParticipantReceipt:
        await self._apply(command)
        # A concern's mediation stays hidden from both, the one who raised it included.
        return ParticipantReceipt(action=command.type, phase=participant_phase(self._state).value)

    @participant_action.validator
    def _validate_participant_action(self, command: ParticipantCommand) -> None:
        # Someone outside the pair, an ended pair and every domain refusal stop here, so a
        # refused request never reaches the history.
        self._check(command)

    @workflow.query(name="pending_prompts", description="Open prompts, optionally of one person.")
    def pending_prompts(self, query: PromptsQuery) -> list[Prompt]:
        return list(pending_prompts(self._state, query.person_id))

    # -- coordinators and HR ------------------------------------------------------------------

    @async_update(
        name="coordinator_action",
        description=(
            "Coordinator action: open_escalation, involve_partners (tell both people about the"
            " open case; until then they see no change), resolve_escalation (continue,"
            " amend_contract, pause, end_without_fault, rematch), pause, resume, end, extend_term."
        ),
    )
    async def coordinator_action(self, command: CoordinatorCommand) -> CommandReceipt:
        await self._apply(command)
        return CommandReceipt(
            phase=self._state.phase.value, escalation_open=self._state.escalation_open
        )

    @coordinator_action.validator
    def _validate_coordinator_action(self, command: CoordinatorCommand) -> None:
        self._check(command)

    @workflow.signal(
        name="hr_event",
        description="HR system event: participant left, manager changed, leave started/ended.",
    )
    def hr_event(self, event: HrEvent) -> None:
        try:
            self._execute(event)
        except DomainError as error:
            # HR feeds replay old events; one that no longer applies is noted, not fatal.
            workflow.logger.info("HR event ignored", extra={"reason": error.code.value})

    @workflow.signal(
        name=WIND_DOWN,
        description="The programme is ending: close the running term, or end a pair not started.",
    )
    def wind_down(self, command: WindDown) -> None:
        try:
            self._execute(command)
        except DomainError as error:
            # Already ended: the programme's notice crossed the relationship's own ending.
            workflow.logger.info("wind-down ignored", extra={"reason": error.code.value})

    @workflow.query(name="state", description="The relationship's full state (operators only).")
    def state(self) -> RelationshipState:
        return self._state

    @workflow.query(name="timeline", description="What happened, one line each, no private text.")
    def timeline(self) -> list[str]:
        return list(timeline(self._state))

    # -- effects ------------------------------------------------------------------------------

    async def _flush(self) -> None:
        """Record events with their messages (and their read tables), until none are left."""
        while self._unrecorded:
            batch, self._unrecorded = self._unrecorded, []
            intents, self._intents = self._intents, []
            commands, self._pending = self._pending, []
            reached = Confirmed(state=self._state, version=self._stream_version)
            result = await self._recorder.record(
                self._state,
                batch,
                intents,
                reply_to_waiting=functools.partial(self._reply_to_waiting, commands),
            )
            if result.stored_instead:
                self._adopt(result.stored_instead, commands)
                continue
            self._confirmed = reached
            settle_all(commands)
            await legacy_escalation_effects(batch, lambda: self._state)

    def _reply_to_waiting(self, commands: list[PendingCommand]) -> None:
        """The batch's commands, and those that arrived while it was recorded."""
        settle_all([*commands, *self._pending])

    def _adopt(self, stored: list[EventEnvelope], commands: list[PendingCommand]) -> None:
        """Take the store's events as this relationship's, then decide the commands again.

        Commands that arrived while the batch was recorded are decided again too: they were
        decided on top of a batch that never became true.
        """
        again, self._pending = commands + self._pending, []
        self._unrecorded, self._intents = [], []
        # Usually the lost task held these very commands, decided at its own clock: those that
        # the stored events reproduce exactly are done (their replies may go out as they are).
        reproduced = self._confirmed.reproduced_by(stored, [p.command for p in again])
        # Their messages were queued with them, by the workflow task that stored them.
        self._confirmed = self._confirmed.adopting(stored)
        self._state, self._stream_version = self._confirmed.state, self._confirmed.version
        workflow.logger.warning(
            "the event store held events this history had not confirmed: adopted",
            extra={"adopted": len(stored), "decided_again": len(again) - reproduced},
        )
        settle_all(again[:reproduced])
        for pending in again[reproduced:]:
            self._decide_again(pending)

    def _decide_again(self, pending: PendingCommand) -> None:
        command = pending.command
        if isinstance(command, Tick):
            return  # the run loop ticks again if something is still due
        if isinstance(command, AnswerPrompt) and is_duplicate_answer(
            self._state, command.answer_id
        ):
            pending.settle()  # the adopted events hold this very answer
            return
        try:
            self._execute(command, pending)
        except DomainError as error:
            if pending.settled:
                # Replied to already (recorded remotely during an outage), or a signal.
                workflow.logger.warning(
                    "a command no longer applies after adoption",
                    extra={"command": command.type, "reason": error.code.value},
                )
            pending.settle(refusal=error)

    # -- operator surface ---------------------------------------------------------------------

    def _publish(self) -> None:
        """Search attributes and current details; only changes are written to history."""
        state = self._state
        due = next_due_at(state)
        values: dict[str, object] = {
            attrs.MENTORING_PROGRAMME.name: state.programme_id,
            attrs.MENTORING_PHASE.name: state.phase.value,
            attrs.MENTORING_MODE.name: state.mode.value,
            attrs.MENTORING_HEALTH.name: state.health.level.value,
            attrs.AWAITING_RESPONSE_FROM.name: list(state.awaiting_response_from),
            attrs.ESCALATION_OPEN.name: state.escalation_open,
            attrs.NEXT_DUE_AT.name: due,
        }
        if values != self._published:
            workflow.upsert_search_attributes(
                [
                    attrs.MENTORING_PROGRAMME.value_set(state.programme_id),
                    attrs.MENTORING_PHASE.value_set(state.phase.value),
                    attrs.MENTORING_MODE.value_set(state.mode.value),
                    attrs.MENTORING_HEALTH.value_set(state.health.level.value),
                    attrs.AWAITING_RESPONSE_FROM.value_set(list(state.awaiting_response_from)),
                    attrs.ESCALATION_OPEN.value_set(state.escalation_open),
                    attrs.NEXT_DUE_AT.value_set(due) if due else attrs.NEXT_DUE_AT.value_unset(),
                ]
            )
            self._published = values
        # Not part of history, and dropped at continue-as-new: set on every pass.
        workflow.set_current_details(operator_summary(state, workflow.now()))

    def _outcome(self) -> RelationshipOutcome:
        state = self._state
        return RelationshipOutcome(
            relationship_id=state.relationship_id,
            phase=state.phase.value,
            mode=state.mode.value,
            end_reason=state.end_reason,
            rematch_requested=state.rematch_requested,
            meetings_held=sum(1 for m in state.meetings if m.status.value == "held"),
            events_recorded=self._stream_version,
            left_participant_id=state.left_participant_id,
        )
