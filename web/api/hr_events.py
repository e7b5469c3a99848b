"""HR events (left, manager changed, leave started / ended), per employee or per pair.

They travel as signals, not updates: HR feeds replay old events, and one that no longer applies
(a leave that already ended) is noted by the workflow instead of being refused back to the feed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from temporalio.client import WorkflowExecutionStatus

from domain.commands import (
    RecordLeaveEnded,
    RecordLeaveStarted,
    RecordManagerChange,
    RecordParticipantLeft,
)
from roster.importer import record_manager_change
from services.hr_events import employee_left, tell_open_relationships
from services.pairs import relationship_handle
from store.leavers import record_leaver
from twoway.credentials import Scope
from web.api.models import (
    RELATIONSHIP_ID_PATTERN,
    HrEventAccepted,
    HrEventBody,
    HrEventType,
    PairHrEventAccepted,
    PairHrEventBody,
)
from web.api.scoping import Key, ensure_own_person, not_found, reachable_relationship, requires
from web.problems import FieldProblem, ProblemError
from web.services import WebServices, get_services
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import HrEvent

router = APIRouter(tags=["hr events"])
Services = Annotated[WebServices, Depends(get_services)]
SendsEvents = Annotated[Key, Depends(requires(Scope.SEND_HR_EVENTS))]


async def hr_command(
    services: WebServices, event_type: HrEventType, participant_id: str, new_manager_id: str | None
) -> HrEvent:
    if event_type == "participant_left":
        return RecordParticipantLeft(participant_id=participant_id)
    if event_type == "manager_changed":
        assert new_manager_id is not None  # the body's validator requires it
        async with services.pool.acquire() as conn:
            above = await record_manager_change(conn, participant_id, new_manager_id)
        return RecordManagerChange(
            participant_id=participant_id,
            new_manager_id=new_manager_id,
            managers_above_new_manager=above[:100],
        )
    if event_type == "leave_started":
        return RecordLeaveStarted(participant_id=participant_id)
    return RecordLeaveEnded(participant_id=participant_id)


@router.post(
    "/hr-events",
    status_code=status.HTTP_202_ACCEPTED,
    summary="An HR event about one employee, sent to each of their open relationships",
)
async def employee_hr_event(
    body: HrEventBody, services: Services, key: SendsEvents
) -> HrEventAccepted:
    # An organisation's event reaches every pair of its person, cross-organisation ones too.
    await ensure_own_person(services, key, body.employee_id)
    if body.type == "participant_left":
        # Kept even without a pair: retention compares enrolled people with the rest.
        left_on = body.left_on or services.clock().date()
        told = await employee_left(
            services.pool, services.client, body.employee_id, key.organisation, left_on
        )
        return HrEventAccepted(
            employee_id=body.employee_id, type=body.type, relationship_ids=told, left_on=left_on
        )
    command = await hr_command(services, body.type, body.employee_id, body.new_manager_id)
    told = await tell_open_relationships(services.pool, services.client, body.employee_id, command)
    return HrEventAccepted(employee_id=body.employee_id, type=body.type, relationship_ids=told)


@router.post(
    "/pairs/{relationship_id}/hr-events",
    status_code=status.HTTP_202_ACCEPTED,
    summary="An HR event about one participant of one pair",
    tags=["pairs"],
)
async def pair_hr_event(
    relationship_id: Annotated[str, Path(pattern=RELATIONSHIP_ID_PATTERN)],
    body: PairHrEventBody,
    services: Services,
    key: SendsEvents,
) -> PairHrEventAccepted:
    await reachable_relationship(services, key, relationship_id)
    handle = relationship_handle(services.client, relationship_id)
    description = await handle.describe()
    if description.status != WorkflowExecutionStatus.RUNNING:
        raise ProblemError(409, "relationship-closed", "This relationship has already ended")
    state = await handle.query(RelationshipWorkflow.state)
    if state.role_of(body.participant_id) is None:
        problem = FieldProblem(
            field="body.participant_id",
            message="is neither the mentor nor the mentee of this relationship",
            code="not_a_participant",
        )
        raise ProblemError(422, "not-a-participant", "Not in this pair", errors=[problem])
    try:
        # Only about one's own people: the partner's organisation speaks for its own.
        await ensure_own_person(services, key, body.participant_id)
    except ProblemError:
        raise not_found("relationship") from None
    if body.type == "participant_left":
        async with services.pool.acquire() as conn:
            left_on = body.left_on or services.clock().date()
            await record_leaver(conn, body.participant_id, key.organisation, left_on)
    command = await hr_command(services, body.type, body.participant_id, body.new_manager_id)
    await handle.signal(RelationshipWorkflow.hr_event, command)
    return PairHrEventAccepted(relationship_id=relationship_id, type=body.type)
