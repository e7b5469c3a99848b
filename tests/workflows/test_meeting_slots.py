"""A Berlin and New York pair agrees a slot; the workflow meets on it through the clock changes."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.commands import AnswerPrompt
from domain.contract import ContractTerms, Goal, MeetingFormat
from domain.events import MeetingScheduled
from domain.prompts import ContractProposalAnswer, ContractReviewAnswer, PromptKind
from domain.slots import Availability, MeetingSlot, inside_hours, offered_slots
from domain.state import Phase, RelationshipState
from services.pairs import PairRequest, start_relationship
from simulation.driver import Driver
from simulation.personas import Persona
from store.event_store import read_stream
from store.people import Person, upsert_person
from tests.workflows.conftest import Harness
from workflows.relationship import RelationshipWorkflow

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
LENGTH = timedelta(hours=1)


def person(person_id: str, zone: str) -> Person:
    return Person(
        person_id=person_id,
        display_name="Someone",
        email=f"{person_id}@example.test",
        time_zone=zone,
        working_hours_start=time(9),
        working_hours_end=time(17, 30),
    )


def proposal(slot: MeetingSlot, term_end: datetime) -> ContractTerms:
    return ContractTerms(
        goals=(Goal(description="Learn the new tools", success_measure="Uses them weekly"),),
        focus_area="digital ways of working",
        cadence=timedelta(weeks=2),
        meeting_length=LENGTH,
        meeting_format=MeetingFormat.VIDEO,
        confidentiality_terms="What is said stays between us.",
        term_end=term_end,
        slot=slot,
        location="https://video.example/room-7",
    )


def waiting_for_contract(state: RelationshipState) -> bool:
    return bool(state.open_prompts_of(PromptKind.CONTRACT_PROPOSAL))


async def test_the_pair_meets_on_its_slot_inside_both_peoples_hours(harness: Harness) -> None:
    suffix = uuid.uuid4().hex[:8]
    mentor, mentee = f"emp-berlin-{suffix}", f"emp-newyork-{suffix}"
    async with harness.pool.acquire() as conn:
        await upsert_person(conn, person(mentor, BERLIN))
        await upsert_person(conn, person(mentee, NEW_YORK))
    request = PairRequest(
        programme_id=f"prog-{suffix}",
        mentor_id=mentor,
        mentee_id=mentee,
        coordinator_id="coord-1",
        owner_id="owner-1",
    )
    handle = await start_relationship(
        harness.client, request, task_queue=harness.task_queue, people=harness.pool
    )
    harness.started.append(handle)
    harness.keep_history(handle, "meeting_slot")
    driver = Driver(
        handle=handle,
        personas={mentor: Persona.ENGAGED, mentee: Persona.ENGAGED},
        advance=harness.env.sleep,
        clock=harness.env.get_current_time,
    )
    state = (await driver.run(stop_when=waiting_for_contract)).state
    assert state.mentor_availability is not None
    assert state.mentor_availability.time_zone == BERLIN
    assert state.mentee_availability is not None
    assert state.mentee_availability.time_zone == NEW_YORK

    now = await harness.env.get_current_time()
    term_end = now + timedelta(weeks=30)
    [prompt] = state.open_prompts_of(PromptKind.CONTRACT_PROPOSAL)

    async def propose(slot: MeetingSlot, answer_id: str) -> None:
        await handle.execute_update(
            RelationshipWorkflow.answer_prompt,
            AnswerPrompt(
                answer_id=answer_id,
                prompt_id=prompt.prompt_id,
                respondent_id=prompt.recipient_id,
                answer=ContractProposalAnswer(terms=proposal(slot, term_end)),
            ),
        )

    # Ten in the morning in Berlin is before New York's day begins: refused, nothing recorded.
    with pytest.raises(WorkflowUpdateFailedError):
        await propose(MeetingSlot(weekday=2, start=time(10), time_zone=BERLIN), "early")
    zone = state.availability_of(prompt.recipient_id)
    assert zone is not None
    offered = offered_slots(state.availabilities, LENGTH, zone.time_zone, now, term_end)
    assert offered
    chosen = offered[0]
    await propose(chosen, "slot")
    state = await handle.query(RelationshipWorkflow.state)
    [review] = state.open_prompts_of(PromptKind.CONTRACT_REVIEW)
    await handle.execute_update(
        RelationshipWorkflow.answer_prompt,
        AnswerPrompt(
            answer_id="accept",
            prompt_id=review.prompt_id,
            respondent_id=review.recipient_id,
            answer=ContractReviewAnswer(decision="accept"),
        ),
    )

    result = await driver.run()

    assert result.state.phase == Phase.COMPLETED
    async with harness.pool.acquire() as conn:
        stored = await read_stream(conn, handle.id)
    meetings = [
        MeetingScheduled.model_validate(row.data).scheduled_at
        for row in stored
        if row.event_type == "meeting_scheduled"
    ]
    assert len(meetings) >= 10
    anchor = ZoneInfo(chosen.time_zone)
    for at in meetings:
        local = at.astimezone(anchor)
        assert (local.isoweekday(), local.time()) == (chosen.weekday, chosen.start)
        for hours in (state.mentor_availability, state.mentee_availability):
            assert isinstance(hours, Availability)
            assert inside_hours(hours, at, LENGTH)
