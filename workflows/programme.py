"""A mentoring programme as a durable workflow: match, approve, start every pair, rematch, close.

The workflow only orchestrates. Matching runs in an activity (numpy/scipy cannot load in the
sandbox, and a large assignment takes seconds); overrides and the evaluation are pure functions
in `domain/programme.py`. Relationships are child workflows with ABANDON, so the programme can
continue-as-new while they run; each one signals `relationship_closed` back when it ends.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.programme_models import (
        CloseOutInput,
        DigestInput,
        MatchingSetup,
        PairAvailability,
        PairPeople,
        ProposeMatchesInput,
        ReviseProposalInput,
        close_out_programme,
        look_up_availability,
        propose_matches,
        revise_proposal,
        send_programme_digest,
    )
    from domain.commands import WindDown, WindDownReason
    from domain.matching.model import PersonPair, ProgrammeFormat
    from domain.programme import (
        PairRecord,
        PairStatus,
        Programme,
        ProgrammePhase,
        ProgrammeRuleError,
        Proposal,
        apply_overrides,
        evaluate,
        occupying,
        released_exclusions,
    )
    from domain.state import Mode
    from workflows import search_attributes as attrs
    from workflows.programme_io import (
        RELATIONSHIP_CLOSED,
        WIND_DOWN,
        CloseProgramme,
        MatchReview,
        ProgrammeCarried,
        ProgrammeInput,
        ProgrammeOutcome,
        ProgrammeStatus,
        RelationshipClosed,
        ReviewReceipt,
        StartMatching,
    )
    from workflows.relationship_io import (
        PairRequest,
        RelationshipInput,
        relationship_id,
        start_command,
    )

import contextlib

from workflows.relationship import RelationshipWorkflow

ACTIVITY_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
# 10,000 people take a few seconds to match; the margin covers a busy worker.
MATCHING_TIMEOUT = timedelta(minutes=10)
ACTIVITY_TIMEOUT = timedelta(seconds=60)
# Each started child costs the parent two history events: a run stops well before Temporal's
# 4,096-event suggestion so that 5,000 pairs are spread over a handful of runs.
HISTORY_EVENTS_PER_RUN = 2000
HISTORY_BYTES_PER_RUN = 2 * 1024 * 1024
# Programmes wind down at their end date, or when closed early or cancelled; running
# programmes recorded before this replay without the end-date timer.
PROGRAMME_END_PATCH = "programme-wind-down"
# Pairs carry both people's working hours so that they are offered meeting slots that suit
# both; programmes recorded before this replay starting their pairs without them.
PAIR_AVAILABILITY_PATCH = "pair-availability"

# Idempotency keys remembered across runs (update-id dedupe does not survive continue-as-new).
REMEMBERED_REQUESTS = 500


def _history_is_long() -> bool:
    info = workflow.info()
    return (
        info.is_continue_as_new_suggested()
        or info.get_current_history_length() >= HISTORY_EVENTS_PER_RUN
        or info.get_current_history_size() >= HISTORY_BYTES_PER_RUN
    )


def _rejected(message: str, kind: str = "ProgrammeRuleViolated") -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


@workflow.defn(name="Programme")
class ProgramWorkflow:
    """One programme from enrolment to close-out; operated from the Temporal UI or the API."""

    @workflow.init
    def __init__(self, input: ProgrammeInput) -> None:
        self._programme = input.programme
        carried = input.carried_over or ProgrammeCarried(
            phase=ProgrammePhase.ENROLLING,
            proposal=None,
            pairs=[],
            exclusions=[],
            proposal_versions=0,
            processed_requests=[],
            digests_sent=0,
            next_digest_at=None,
            rematch_due_at=None,
        )
        self._phase = carried.phase
        self._proposal: Proposal | None = carried.proposal
        self._pairs: dict[str, PairRecord] = {r.relationship_id: r for r in carried.pairs}
        self._exclusions: list[PersonPair] = list(carried.exclusions)
        self._versions = carried.proposal_versions
        self._processed: list[str] = list(carried.processed_requests)
        self._digests_sent = carried.digests_sent
        self._next_digest_at: datetime | None = carried.next_digest_at
        self._rematch_due_at: datetime | None = carried.rematch_due_at
        self._wind_down_started_at: datetime | None = carried.wind_down_started_at
        self._wind_down_reason: WindDownReason | None = carried.wind_down_reason
        self._wind_down_sent: list[str] = list(carried.wind_down_sent)
        self._ends_on_date = False
        self._match_requested = input.match_immediately and input.carried_over is None
        self._reviewing = False
        self._woken = False
        self._published: tuple[str, str] | None = None

    # -- the run loop -------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ProgrammeInput) -> ProgrammeOutcome:
        if self._next_digest_at is None:
            self._next_digest_at = workflow.now() + self._programme.digest_interval
        self._ends_on_date = workflow.patched(PROGRAMME_END_PATCH)
        while True:
            self._publish()
            if self._phase is ProgrammePhase.WINDING_DOWN:
                await self._tell_relationships_to_wind_down()
                if self._wound_down():
                    return await self._close_out()
                if _history_is_long():
                    await self._continue_as_new(input)
                await self._wait_for_input_or_timer()
                continue
            if self._phase is ProgrammePhase.ENROLLING and self._match_requested:
                self._match_requested = False
                self._phase = ProgrammePhase.MATCHING
            if self._phase is ProgrammePhase.MATCHING:
                await self._propose()
                continue
            if self._phase is ProgrammePhase.STARTING:
                await self._start_next_batch()
                if _history_is_long():
                    await self._continue_as_new(input)
                continue
            if self._phase is ProgrammePhase.RUNNING and self._finished():
                return await self._close_out()
            if _history_is_long():
                await self._continue_as_new(input)
            await self._wait_for_input_or_timer()

    async def _wait_for_input_or_timer(self) -> None:
        due = self._next_due()
        timeout = None if due is None else max(due - workflow.now(), timedelta(0))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._woken,
                timeout=timeout,
                timeout_summary=f"next due: {due.isoformat()}" if due else None,
            )
        self._woken = False
        now = workflow.now()
        if self._end_date_passed(now):
            self._start_wind_down("programme_ended")
        if self._next_digest_at is not None and now >= self._next_digest_at:
            await self._send_digest()
        if self._rematch_is_due(now):
            self._rematch_due_at = None
            self._phase = ProgrammePhase.MATCHING

    def _next_due(self) -> datetime | None:
        # Only what can act now: a rematch waits while a proposal is under review or starting.
        candidates = [self._next_digest_at]
        if self._phase is ProgrammePhase.RUNNING:
            candidates.append(self._rematch_due_at)
        if self._phase is ProgrammePhase.WINDING_DOWN:
            candidates.append(self._close_out_deadline())
        elif self._ends_on_date and self._phase is not ProgrammePhase.CLOSED:
            candidates.append(self._programme.ends_at)
        return min((d for d in candidates if d is not None), default=None)

    def _rematch_is_due(self, now: datetime) -> bool:
        return (
            self._phase is ProgrammePhase.RUNNING
            and self._rematch_due_at is not None
            and now >= self._rematch_due_at
        )

    # -- the end ------------------------------------------------------------------------------

    def _end_date_passed(self, now: datetime) -> bool:
        # Matching or starting finish first (their activities are under way); then it ends.
        return (
            self._ends_on_date
            and self._phase
            in (ProgrammePhase.ENROLLING, ProgrammePhase.AWAITING_APPROVAL, ProgrammePhase.RUNNING)
            and now >= self._programme.ends_at
        )

    def _start_wind_down(self, reason: WindDownReason) -> None:
        """No more matching or rematches; pairs never started are dropped, the rest told."""
        self._phase = ProgrammePhase.WINDING_DOWN
        self._wind_down_started_at = workflow.now()
        self._wind_down_reason = reason
        self._proposal = None
        self._rematch_due_at = None
        for rid, record in self._pairs.items():
            if record.status is PairStatus.APPROVED:
                self._pairs[rid] = record.model_copy(
                    update={"status": PairStatus.CLOSED, "end_reason": reason}
                )

    async def _tell_relationships_to_wind_down(self) -> None:
        reason = self._wind_down_reason or "programme_ended"
        sent = set(self._wind_down_sent)
        waiting = [
            rid
            for rid, record in self._pairs.items()
            if record.status is PairStatus.STARTED and rid not in sent
        ]
        batch_size = self._programme.start_batch_size
        for start in range(0, len(waiting), batch_size):
            batch = waiting[start : start + batch_size]
            await asyncio.gather(*(self._wind_down_one(rid, reason) for rid in batch))
            self._wind_down_sent.extend(batch)
            if _history_is_long():
                return  # the loop continues as new; the rest are told by the next run

    async def _wind_down_one(self, relationship_id: str, reason: WindDownReason) -> None:
        try:
            handle = workflow.get_external_workflow_handle(relationship_id)
            await handle.signal(WIND_DOWN, WindDown(reason=reason))
        except FailureError:
            # It ended on its own meanwhile; its closing signal reaches us anyway.
            workflow.logger.info("relationship already closed at wind-down")

    def _close_out_deadline(self) -> datetime:
        started = self._wind_down_started_at or workflow.now()
        return started + self._programme.close_out_grace

    def _wound_down(self) -> bool:
        """Every pair has closed, or the grace is over: one stuck pair never blocks close-out."""
        everyone_told = all(
            r.status is not PairStatus.STARTED or r.relationship_id in self._wind_down_sent
            for r in self._pairs.values()
        )
        all_closed = all(r.status is PairStatus.CLOSED for r in self._pairs.values())
        return everyone_told and (all_closed or workflow.now() >= self._close_out_deadline())

    @workflow.update(
        name="close_programme",
        description=(
            "Close the programme before its end date (closed early or cancelled): running"
            " terms close through their own closing, pairs not under way end."
        ),
    )
    def close_programme(self, request: CloseProgramme) -> ProgrammeStatus:
        if self._phase is not ProgrammePhase.WINDING_DOWN:
            self._start_wind_down(request.reason)
            self._woken = True
        return self.status()

    @close_programme.validator
    def _validate_close_programme(self, request: CloseProgramme) -> None:
        if self._phase in (ProgrammePhase.MATCHING, ProgrammePhase.STARTING):
            raise _rejected(f"the programme is {self._phase.value}: close it once that is done")
        if self._phase is ProgrammePhase.CLOSED:
            raise _rejected("the programme is already closed")

    def _finished(self) -> bool:
        """Every relationship has ended and nobody is waiting for a rematch."""
        return (
            bool(self._pairs)
            and self._rematch_due_at is None
            and all(r.status is PairStatus.CLOSED for r in self._pairs.values())
        )

    async def _continue_as_new(self, input: ProgrammeInput) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            ProgrammeInput(programme=self._programme, carried_over=self._carried())
        )

    def _carried(self) -> ProgrammeCarried:
        return ProgrammeCarried(
            phase=self._phase,
            proposal=self._proposal,
            pairs=list(self._pairs.values()),
            exclusions=self._exclusions,
            proposal_versions=self._versions,
            processed_requests=self._processed[-REMEMBERED_REQUESTS:],
            digests_sent=self._digests_sent,
            next_digest_at=self._next_digest_at,
            rematch_due_at=self._rematch_due_at,
            wind_down_started_at=self._wind_down_started_at,
            wind_down_reason=self._wind_down_reason,
            wind_down_sent=self._wind_down_sent,
        )

    # -- matching and approval ----------------------------------------------------------------

    def _setup(self, extra_exclusions: tuple[PersonPair, ...] = ()) -> MatchingSetup:
        records = list(self._pairs.values())
        return MatchingSetup(
            programme_id=self._programme.programme_id,
            format=self._programme.format,
            weights=self._programme.weights,
            constraints=self._programme.constraints,
            occupied=list(occupying(records)),
            exclusions=[*self._exclusions, *released_exclusions(records), *extra_exclusions],
        )

    async def _propose(self) -> None:
        self._versions += 1
        proposal = await workflow.execute_activity(
            propose_matches,
            ProposeMatchesInput(setup=self._setup(), version=self._versions),
            start_to_close_timeout=MATCHING_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary=f"match proposal v{self._versions}",
        )
        if not proposal.pairs:
            # Nobody left to pair: back to waiting for people (first run) or for endings.
            self._proposal = None
            self._phase = ProgrammePhase.RUNNING if self._pairs else ProgrammePhase.ENROLLING
            return
        self._proposal = proposal
        if self._programme.approval_required:
            self._phase = ProgrammePhase.AWAITING_APPROVAL
        else:
            self._approve(proposal)

    def _approve(self, proposal: Proposal) -> None:
        programme_id = self._programme.programme_id
        for pair in proposal.pairs:
            rid = relationship_id(programme_id, pair.mentor_id, pair.mentee_id)
            if rid not in self._pairs:
                self._pairs[rid] = PairRecord(
                    relationship_id=rid, mentor_id=pair.mentor_id, mentee_id=pair.mentee_id
                )
        self._proposal = None
        self._phase = ProgrammePhase.STARTING

    @workflow.update(
        name="start_matching",
        description="Run the matching now (after the roster import), or rematch the pool.",
    )
    def start_matching(self, request: StartMatching) -> ProgrammeStatus:
        if request.request_id not in self._processed:
            self._processed.append(request.request_id)
            if self._phase is ProgrammePhase.ENROLLING:
                self._match_requested = True
            else:
                self._rematch_due_at = workflow.now()
            self._woken = True
        return self.status()

    @start_matching.validator
    def _validate_start_matching(self, request: StartMatching) -> None:
        if request.request_id in self._processed:
            return
        if self._phase not in (ProgrammePhase.ENROLLING, ProgrammePhase.RUNNING):
            raise _rejected(f"the programme is {self._phase.value}: matching cannot start now")

    @workflow.update(
        name="review_matches",
        description=(
            "Coordinator review of the current proposal: overrides (swap, exclude, force) and"
            " approval. Overrides are checked against the hard constraints and capacities."
        ),
    )
    async def review_matches(self, review: MatchReview) -> ReviewReceipt:
        if review.review_id in self._processed:
            return self._receipt(review, duplicate=True)
        proposal = self._proposal
        assert proposal is not None  # guaranteed by the validator
        self._reviewing = True
        try:
            revised = await self._revise(proposal, review)
        finally:
            self._reviewing = False
        self._processed.append(review.review_id)
        self._proposal = revised
        if review.approve:
            self._approve(revised)
        self._woken = True
        return self._receipt(review, duplicate=False, pairs=len(revised.pairs))

    async def _revise(self, proposal: Proposal, review: MatchReview) -> Proposal:
        revision = apply_overrides(proposal, review.overrides)
        if not revision.changed:
            return proposal
        self._versions += 1
        checked = await workflow.execute_activity(
            revise_proposal,
            ReviseProposalInput(
                setup=self._setup(revision.new_exclusions),
                version=self._versions,
                pairs=list(revision.pairs),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary=f"check overrides, proposal v{self._versions}",
        )
        if checked.problems or checked.proposal is None:
            shown = "; ".join(checked.problems[:20])
            raise _rejected(f"overrides refused: {shown}", "OverrideRejected")
        self._exclusions.extend(revision.new_exclusions)
        return checked.proposal

    @review_matches.validator
    def _validate_review(self, review: MatchReview) -> None:
        if review.review_id in self._processed:
            return
        if self._phase is not ProgrammePhase.AWAITING_APPROVAL or self._proposal is None:
            raise _rejected(
                f"no proposal awaits approval (the programme is {self._phase.value})", "NoProposal"
            )
        if self._reviewing:
            raise _rejected("another review of this proposal is being applied; retry shortly")
        if review.proposal_version != self._proposal.version:
            raise _rejected(
                f"proposal v{review.proposal_version} is out of date;"
                f" v{self._proposal.version} is current",
                "StaleProposal",
            )
        try:
            apply_overrides(self._proposal, review.overrides)
        except ProgrammeRuleError as error:
            raise _rejected(str(error), "InvalidOverride") from None

    def _receipt(self, review: MatchReview, *, duplicate: bool, pairs: int = 0) -> ReviewReceipt:
        return ReviewReceipt(
            phase=self._phase.value,
            proposal_version=self._versions,
            pairs=pairs,
            approved=review.approve,
            duplicate=duplicate,
        )

    # -- starting the relationships -----------------------------------------------------------

    async def _start_next_batch(self) -> None:
        batch = [r for r in self._pairs.values() if r.status is PairStatus.APPROVED]
        batch = batch[: self._programme.start_batch_size]
        if not batch:
            self._phase = ProgrammePhase.RUNNING
            return
        await asyncio.gather(*(self._start_relationship(record) for record in batch))
        for record in batch:
            current = self._pairs[record.relationship_id]
            # A pair may already have closed (and signalled) while its batch was starting.
            if current.status is PairStatus.APPROVED:
                self._pairs[record.relationship_id] = current.model_copy(
                    update={"status": PairStatus.STARTED}
                )

    async def _availability(self, record: PairRecord) -> PairAvailability:
        if not workflow.patched(PAIR_AVAILABILITY_PATCH):
            return PairAvailability()
        return await workflow.execute_local_activity(
            look_up_availability,
            PairPeople(mentor_id=record.mentor_id, mentee_id=record.mentee_id),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary="working hours of the pair",
        )

    async def _start_relationship(self, record: PairRecord) -> None:
        programme = self._programme
        availability = await self._availability(record)
        request = PairRequest(
            programme_id=programme.programme_id,
            mentor_id=record.mentor_id,
            mentee_id=record.mentee_id,
            coordinator_id=programme.coordinator_id,
            owner_id=programme.owner_id,
            policy=programme.relationship_policy,
            mode=Mode.MUTUAL if programme.format is ProgrammeFormat.MUTUAL else Mode.REVERSE,
            mentor_availability=availability.mentor,
            mentee_availability=availability.mentee,
        )
        # An existing id is the same pair, started by an earlier run or by the HR starter.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                RelationshipWorkflow.run,
                RelationshipInput(start=start_command(request)),
                id=record.relationship_id,
                # Relationships outlive this run (continue-as-new) and even the programme.
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=attrs.initial_search_attributes(programme.programme_id),
                static_summary=f"Mentoring relationship in programme {programme.programme_id}",
            )

    # -- relationships coming back ------------------------------------------------------------

    @workflow.signal(
        name=RELATIONSHIP_CLOSED,
        description="Sent by a relationship when it ends; a decline or failure asks for a rematch.",
    )
    def relationship_closed(self, closed: RelationshipClosed) -> None:
        record = self._pairs.get(closed.relationship_id)
        if record is None or record.status is PairStatus.CLOSED:
            return  # not ours, or a repeated signal
        self._pairs[closed.relationship_id] = record.model_copy(
            update={
                "status": PairStatus.CLOSED,
                "phase": closed.phase,
                "mode": closed.mode,
                "end_reason": closed.end_reason,
                "rematch_requested": closed.rematch_requested,
                "meetings_held": closed.meetings_held,
                "left_participant_id": closed.left_participant_id,
            }
        )
        winding_down = self._phase is ProgrammePhase.WINDING_DOWN
        if closed.rematch_requested and self._rematch_due_at is None and not winding_down:
            self._rematch_due_at = workflow.now() + self._programme.rematch_delay
        self._woken = True

    # -- digest and close-out -----------------------------------------------------------------

    async def _send_digest(self) -> None:
        records = self._pairs.values()
        started = sum(1 for r in records if r.status is PairStatus.STARTED)
        self._next_digest_at = workflow.now() + self._programme.digest_interval
        if started == 0:
            return  # nothing to report on yet
        self._digests_sent += 1
        await workflow.execute_activity(
            send_programme_digest,
            DigestInput(
                programme_id=self._programme.programme_id,
                coordinator_ids=list(self._programme.coordinator_ids),
                sequence=self._digests_sent,
                open_relationships=started,
                unstarted_pairs=sum(1 for r in records if r.status is PairStatus.APPROVED),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary=f"coordinator digest {self._digests_sent}",
        )

    async def _close_out(self) -> ProgrammeOutcome:
        await workflow.wait_condition(workflow.all_handlers_finished)
        evaluation = evaluate(list(self._pairs.values()))
        await workflow.execute_activity(
            close_out_programme,
            CloseOutInput(
                programme_id=self._programme.programme_id,
                owner_id=self._programme.owner_id,
                coordinator_ids=list(self._programme.coordinator_ids),
                evaluation=evaluation,
                evaluated_at=workflow.now(),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            summary="close-out evaluation",
        )
        self._phase = ProgrammePhase.CLOSED
        self._publish()
        return ProgrammeOutcome(programme_id=self._programme.programme_id, evaluation=evaluation)

    # -- operator surface ---------------------------------------------------------------------

    @workflow.query(name="status", description="Phase and counts of the programme.")
    def status(self) -> ProgrammeStatus:
        records = list(self._pairs.values())
        proposal = self._proposal
        return ProgrammeStatus(
            programme_id=self._programme.programme_id,
            phase=self._phase.value,
            proposal_version=proposal.version if proposal else None,
            proposed_pairs=len(proposal.pairs) if proposal else 0,
            proposal_unmatched=proposal.unmatched if proposal else 0,
            relationships_approved=len(records),
            relationships_started=sum(1 for r in records if r.status is not PairStatus.APPROVED),
            relationships_closed=sum(1 for r in records if r.status is PairStatus.CLOSED),
            rematch_pending=self._rematch_due_at is not None,
            digests_sent=self._digests_sent,
        )

    @workflow.query(name="proposal", description="The proposal awaiting review (ids and scores).")
    def proposal(self) -> Proposal | None:
        return self._proposal

    @workflow.query(name="definition", description="The programme as defined (roles, policy).")
    def definition(self) -> Programme:
        return self._programme

    @workflow.query(name="pairs", description="Every approved pair and where it stands.")
    def pairs(self) -> list[PairRecord]:
        return list(self._pairs.values())

    def _publish(self) -> None:
        # MentoringPhase holds the programme's phase here (filter on WorkflowType="Programme").
        # Only changes are written: every upsert is a history event.
        values = (self._programme.programme_id, self._phase.value)
        if values != self._published:
            workflow.upsert_search_attributes(
                [
                    attrs.MENTORING_PROGRAMME.value_set(values[0]),
                    attrs.MENTORING_PHASE.value_set(values[1]),
                ]
            )
            self._published = values
        # Not part of history, and dropped at continue-as-new: set on every pass.
        workflow.set_current_details(self._details())

    def _details(self) -> str:
        status = self.status()
        lines = [
            f"**Programme {status.programme_id}**: {status.phase}",
            f"- relationships: {status.relationships_approved} approved,"
            f" {status.relationships_started} started, {status.relationships_closed} ended",
        ]
        if status.proposal_version is not None:
            lines.append(
                f"- proposal v{status.proposal_version}: {status.proposed_pairs} pairs,"
                f" {status.proposal_unmatched} unmatched; review with the `review_matches` update"
            )
        if status.rematch_pending:
            lines.append("- a rematch is pending")
        return "\n".join(lines)
