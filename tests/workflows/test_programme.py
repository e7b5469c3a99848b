"""A programme on the time-skipping server: roster, matching, review, relationships, rematch."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import pytest
import pytest_asyncio
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.policy import RelationshipPolicy
from domain.programme import (
    ExcludePair,
    ForcePair,
    PairRecord,
    Programme,
    ProgrammeTerm,
    SwapMentees,
)
from roster.importer import import_roster
from roster.parse import parse_csv
from services.pairs import RelationshipHandle, relationship_handle, relationship_id
from simulation.driver import Driver, DriveResult
from simulation.personas import Persona
from store.database import Pool
from tests.workflows.conftest import record_history
from worker import twoway_worker
from workflows.programme import ProgramWorkflow
from workflows.programme_io import (
    CloseProgramme,
    MatchReview,
    ProgrammeInput,
    ProgrammeOutcome,
    ProgrammeStatus,
    ReviewReceipt,
    StartMatching,
)
from workflows.relationship import RelationshipWorkflow

HEADER = (
    "employee_id,display_name,email,department,time_zone,languages,manager_id,career_level,"
    "role_preference,skills_to_share,skills_to_learn,interests,capacity"
)
T = TypeVar("T")
ProgrammeHandle = WorkflowHandle[ProgramWorkflow, ProgrammeOutcome]


def roster(mentors: int, mentees: int) -> str:
    """Juniors who teach digital skills and seniors who want them, all compatible."""
    rows = [HEADER]
    for n in range(mentors):
        rows.append(
            f"j{n},Junior {n},j{n}@example.org,it,Europe/Paris,en,,2,mentor,"
            f"social media;ai,strategy,chess,1"
        )
    for n in range(mentees):
        rows.append(
            f"s{n},Senior {n},s{n}@example.org,finance,Europe/London,en,,8,mentee,"
            f"strategy,{'social media' if n % 2 else 'ai'},chess,1"
        )
    return "\n".join(rows)


@dataclass
class Setup:
    env: WorkflowEnvironment
    pool: Pool
    task_queue: str
    programme_id: str

    @property
    def client(self) -> Client:
        return self.env.client

    async def enrol(self, mentors: int, mentees: int) -> None:
        async with self.pool.acquire() as conn:
            report = await import_roster(
                conn, self.programme_id, parse_csv(roster(mentors, mentees))
            )
        assert report.imported

    async def start(self, **overrides: object) -> ProgrammeHandle:
        values: dict[str, object] = {
            "programme_id": self.programme_id,
            "name": "Digital leadership 2026",
            "objectives": ["Leaders use digital tools with their teams"],
            "focus_areas": ["social media", "ai"],
            "term": ProgrammeTerm(starts_on=date(2026, 1, 1), ends_on=date(2030, 7, 1)),
            "relationship_policy": RelationshipPolicy.standard(),
            "coordinator_ids": ["coord-1"],
            "owner_id": "owner-1",
            "rematch_delay": timedelta(minutes=5),
        }
        values.update(overrides)
        programme = Programme.model_validate(values)
        return await self.client.start_workflow(
            ProgramWorkflow.run,
            ProgrammeInput(programme=programme),
            id=f"programme-{self.programme_id}",
            task_queue=self.task_queue,
        )

    async def relationship_ids(self, handle: ProgrammeHandle) -> list[str]:
        return [r.relationship_id for r in await handle.query(ProgramWorkflow.pairs)]

    async def cleanup(self, handle: ProgrammeHandle) -> None:
        ids = [handle.id]
        with contextlib.suppress(RPCError):
            ids += await self.relationship_ids(handle)
        for workflow_id in ids:
            with contextlib.suppress(RPCError):
                await self.client.get_workflow_handle(workflow_id).terminate(reason="test done")


@pytest_asyncio.fixture(loop_scope="session")
async def setup(time_skipping_env: WorkflowEnvironment, pg_pool: Pool) -> AsyncIterator[Setup]:
    task_queue = f"prog-{uuid.uuid4()}"
    async with twoway_worker(time_skipping_env.client, pg_pool, task_queue):
        yield Setup(time_skipping_env, pg_pool, task_queue, f"p{uuid.uuid4().hex[:10]}")


async def eventually(probe: Callable[[], Awaitable[T]], ok: Callable[[T], bool]) -> T:
    """Poll a query until it holds: activities run in real time even when timers skip."""
    for _ in range(300):
        value = await probe()
        if ok(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"condition never held; last value: {value!r}")


async def review(handle: ProgrammeHandle, review: MatchReview) -> ReviewReceipt:
    receipt: ReviewReceipt = await handle.execute_update(
        "review_matches", review, result_type=ReviewReceipt
    )
    return receipt


async def phase_is(handle: ProgrammeHandle, phase: str) -> ProgrammeStatus:
    return await eventually(
        lambda: handle.query(ProgramWorkflow.status), lambda s: s.phase == phase
    )


async def test_roster_to_approved_matching_to_every_relationship_started(setup: Setup) -> None:
    await setup.enrol(mentors=3, mentees=3)
    handle = await setup.start()
    try:
        await handle.execute_update(ProgramWorkflow.start_matching, StartMatching(request_id="m1"))
        status = await phase_is(handle, "awaiting_approval")
        proposal = await handle.query(ProgramWorkflow.proposal)
        assert proposal is not None
        assert len(proposal.pairs) == 3 == status.proposed_pairs
        explained = await setup.pool.fetchval(
            "SELECT count(*) FROM programme_proposed_pairs WHERE programme_id = $1"
            " AND jsonb_array_length(contributions) = 5",
            setup.programme_id,
        )
        assert explained == 3

        first, second = proposal.pairs[0], proposal.pairs[1]
        receipt = await review(
            handle,
            MatchReview(
                review_id="r1",
                proposal_version=proposal.version,
                overrides=[
                    SwapMentees(first_mentee_id=first.mentee_id, second_mentee_id=second.mentee_id)
                ],
            ),
        )
        assert receipt.approved
        assert receipt.pairs == 3

        status = await phase_is(handle, "running")
        assert status.relationships_started == 3
        expected = {
            relationship_id(setup.programme_id, first.mentor_id, second.mentee_id),
            relationship_id(setup.programme_id, second.mentor_id, first.mentee_id),
        }
        started = set(await setup.relationship_ids(handle))
        assert expected <= started
        assert len(started) == 3
        for rid in started:
            relationship: RelationshipHandle = setup.client.get_workflow_handle_for(
                RelationshipWorkflow.run, rid
            )
            state = await relationship.query(RelationshipWorkflow.state)
            assert state.programme_id == setup.programme_id
            assert state.phase.value == "proposed"
            # Each person's zone and hours from the roster, for the meeting slots they will pick.
            assert state.mentor_availability is not None
            assert state.mentor_availability.time_zone == "Europe/Paris"
            assert state.mentee_availability is not None
            assert state.mentee_availability.time_zone == "Europe/London"
    finally:
        await setup.cleanup(handle)


async def test_overrides_that_break_a_rule_are_refused_and_nothing_changes(setup: Setup) -> None:
    await setup.enrol(mentors=2, mentees=2)
    handle = await setup.start()
    try:
        await handle.execute_update(ProgramWorkflow.start_matching, StartMatching(request_id="m1"))
        await phase_is(handle, "awaiting_approval")
        proposal = await handle.query(ProgramWorkflow.proposal)
        assert proposal is not None
        pair = proposal.pairs[0]
        # s0 is a mentee only: forcing them into the mentor's seat breaks the roster's roles.
        force = ForcePair(mentor_id=pair.mentee_id, mentee_id=proposal.pairs[1].mentee_id)
        with pytest.raises(WorkflowUpdateFailedError):
            await review(
                handle,
                MatchReview(review_id="bad", proposal_version=proposal.version, overrides=[force]),
            )
        with pytest.raises(WorkflowUpdateFailedError):  # stale version: refused by the validator
            await review(
                handle, MatchReview(review_id="old", proposal_version=proposal.version + 7)
            )
        assert (await handle.query(ProgramWorkflow.proposal)) == proposal

        exclude = ExcludePair(mentor_id=pair.mentor_id, mentee_id=pair.mentee_id)
        receipt = await review(
            handle,
            MatchReview(review_id="ok", proposal_version=proposal.version, overrides=[exclude]),
        )
        assert receipt.pairs == 1
    finally:
        await setup.cleanup(handle)


async def test_a_decline_leads_to_a_rematch_and_the_programme_closes_out(setup: Setup) -> None:
    await setup.enrol(mentors=2, mentees=1)
    handle = await setup.start(approval_required=False)
    try:
        await handle.execute_update(ProgramWorkflow.start_matching, StartMatching(request_id="m1"))
        declined: list[str] = []
        for _ in range(2):
            # Each pair in turn: the senior declines, the programme pairs them with the other
            # junior; after the second decline nobody acceptable is left and it closes out.
            pairs = await eventually(
                lambda: handle.query(ProgramWorkflow.pairs),
                lambda ps: (
                    any(p.relationship_id not in declined for p in ps)
                    and all(p.status.value != "approved" for p in ps)
                ),
            )
            (pair,) = [p for p in pairs if p.relationship_id not in declined]
            child: RelationshipHandle = setup.client.get_workflow_handle_for(
                RelationshipWorkflow.run, pair.relationship_id
            )
            driver = Driver(
                handle=child,
                personas={pair.mentor_id: Persona.ENGAGED, pair.mentee_id: Persona.DECLINING},
                advance=setup.env.sleep,
                clock=setup.env.get_current_time,
            )
            result = await driver.run()
            assert result.outcome is not None
            assert result.outcome.phase == "declined"
            declined.append(pair.relationship_id)
            # The programme waits its rematch delay so that a burst of declines rematches once.
            await setup.env.sleep(timedelta(minutes=6))

        outcome = await handle.result()
        assert outcome.evaluation.relationships == 2
        assert outcome.evaluation.declined == 2
        mentors = {p.mentor_id for p in await handle.query(ProgramWorkflow.pairs)}
        assert mentors == {"j0", "j1"}
        stored = await setup.pool.fetchval(
            "SELECT evaluation->>'declined' FROM programme_evaluations WHERE programme_id = $1",
            setup.programme_id,
        )
        assert stored == "2"
    finally:
        await setup.cleanup(handle)


async def test_coordinators_receive_a_periodic_digest(setup: Setup) -> None:
    await setup.enrol(mentors=1, mentees=1)
    handle = await setup.start(approval_required=False, digest_interval=timedelta(days=1))
    try:
        await handle.execute_update(ProgramWorkflow.start_matching, StartMatching(request_id="m1"))
        await phase_is(handle, "running")
        await setup.env.sleep(timedelta(days=1, hours=1))
        await eventually(
            lambda: setup.pool.fetchval(
                "SELECT count(*) FROM outbox WHERE template = 'programme_digest'"
                " AND recipient_id = 'coord-1'"
            ),
            lambda count: bool(count),
        )
        assert (await handle.query(ProgramWorkflow.status)).digests_sent >= 1
    finally:
        await setup.cleanup(handle)


async def test_a_large_programme_starts_every_pair_across_continue_as_new(
    dev_server_env: WorkflowEnvironment, pg_pool: Pool
) -> None:
    """Batches plus continue-as-new keep each run's history short (the dev server here suggests
    continuing after 40 events), so 5,000 pairs start the same way as these 12."""
    task_queue = f"prog-{uuid.uuid4()}"
    setup = Setup(dev_server_env, pg_pool, task_queue, f"p{uuid.uuid4().hex[:10]}")
    async with twoway_worker(dev_server_env.client, pg_pool, task_queue):
        await setup.enrol(mentors=12, mentees=12)
        handle = await setup.start(approval_required=False, start_batch_size=3)
        try:
            await handle.execute_update(
                ProgramWorkflow.start_matching, StartMatching(request_id="m1")
            )
            current: ProgrammeHandle = setup.client.get_workflow_handle_for(
                ProgramWorkflow.run, handle.id
            )
            status = await eventually(
                lambda: current.query(ProgramWorkflow.status), lambda s: s.phase == "running"
            )
            assert status.relationships_started == 12
            description = await current.describe()
            assert description.run_id != handle.first_execution_run_id, "never continued as new"
            ids = await setup.relationship_ids(current)
            assert len(set(ids)) == 12
            for rid in ids:
                await setup.client.get_workflow_handle(rid).describe()  # exists
        finally:
            await setup.cleanup(current)


async def approve_current(handle: ProgrammeHandle, review_id: str) -> None:
    await phase_is(handle, "awaiting_approval")
    proposal = await handle.query(ProgramWorkflow.proposal)
    assert proposal is not None
    await review(handle, MatchReview(review_id=review_id, proposal_version=proposal.version))


async def test_a_programme_closed_early_winds_its_pairs_down_and_closes_out(setup: Setup) -> None:
    """Creation, approval, a decline and its rematch, then closed early: every path recorded."""
    await setup.enrol(mentors=2, mentees=1)
    handle = await setup.start()
    try:
        await handle.execute_update(ProgramWorkflow.start_matching, StartMatching(request_id="m1"))
        await approve_current(handle, "r1")
        (first,) = await eventually(
            lambda: handle.query(ProgramWorkflow.pairs),
            lambda ps: len(ps) == 1 and ps[0].status.value == "started",
        )
        declined = await drive(setup, first, Persona.DECLINING)
        assert declined.outcome is not None
        assert declined.outcome.phase == "declined"

        await setup.env.sleep(timedelta(minutes=6))  # the rematch delay
        await approve_current(handle, "r2")
        pairs = await eventually(
            lambda: handle.query(ProgramWorkflow.pairs),
            lambda ps: len(ps) == 2 and all(p.status.value != "approved" for p in ps),
        )
        (second,) = [p for p in pairs if p.relationship_id != first.relationship_id]
        active = await drive(setup, second, Persona.ENGAGED, until_active=True)
        assert active.state.phase.value == "active"

        status = await handle.execute_update(
            ProgramWorkflow.close_programme, CloseProgramme(reason="programme_closed_early")
        )
        assert status.phase == "winding_down"
        closed = await drive(setup, second, Persona.ENGAGED)
        assert closed.outcome is not None
        assert closed.outcome.phase == "completed"

        outcome = await handle.result()
        assert outcome.evaluation.relationships == 2
        assert outcome.evaluation.completed == 1
        assert outcome.evaluation.declined == 1
        await record_history(setup.client, handle.id, "programme_lifecycle")
        await record_history(setup.client, first.relationship_id, "programme_pair_declined")
        await record_history(setup.client, second.relationship_id, "programme_pair_wound_down")
    finally:
        await setup.cleanup(handle)


async def test_a_pair_that_has_not_finished_never_holds_the_close_out_past_its_grace(
    setup: Setup,
) -> None:
    await setup.enrol(mentors=1, mentees=1)
    handle = await setup.start(approval_required=False, close_out_grace=timedelta(days=1))
    try:
        await handle.execute_update(ProgramWorkflow.start_matching, StartMatching(request_id="m1"))
        (pair,) = await eventually(
            lambda: handle.query(ProgramWorkflow.pairs),
            lambda ps: len(ps) == 1 and ps[0].status.value == "started",
        )
        await drive(setup, pair, Persona.ENGAGED, until_active=True)
        await handle.execute_update(
            ProgramWorkflow.close_programme, CloseProgramme(reason="programme_cancelled")
        )

        # The pair's reflections may take the closing window (two weeks); the programme
        # closes out after one day anyway, counting the pair as not finished.
        outcome = await handle.result()
        assert outcome.evaluation.relationships == 1
        assert outcome.evaluation.completed == 0
        child = relationship_handle(setup.client, pair.relationship_id)
        state = await child.query(RelationshipWorkflow.state)
        assert state.phase.value == "closing"
    finally:
        await setup.cleanup(handle)


async def drive(
    setup: Setup, pair: PairRecord, senior: Persona, *, until_active: bool = False
) -> DriveResult:
    child: RelationshipHandle = setup.client.get_workflow_handle_for(
        RelationshipWorkflow.run, pair.relationship_id
    )
    driver = Driver(
        handle=child,
        personas={pair.mentor_id: Persona.ENGAGED, pair.mentee_id: senior},
        advance=setup.env.sleep,
        clock=setup.env.get_current_time,
    )
    if until_active:
        return await driver.run(stop_when=lambda state: state.phase.value == "active")
    return await driver.run()
