"""Start a pair, read its status and timeline, tell it about an HR event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.matching.model import MatchingConstraints
from domain.pair_rules import start_problems
from domain.state import MeetingStatus, RelationshipState
from domain.views import escalation_shown_to_participants, participant_phase, timeline
from services import programmes
from services.pairs import (
    PairRequest,
    relationship_handle,
    relationship_id,
    start_relationship,
)
from store.organisations import DEFAULT_ORGANISATION, organisations_of, programme_members
from twoway.credentials import ApiKey, Scope
from web.api.auth import api_key_digest
from web.api.models import (
    RELATIONSHIP_ID_PATTERN,
    PairCreated,
    PairStatus,
    PromptSummary,
    StartPair,
    Timeline,
)
from web.api.scoping import Key, not_found, reachable_relationship, requires
from web.idempotency import Answer, IdempotencyKey, fingerprint, idempotent
from web.problems import FieldProblem, ProblemError, validation_problems
from web.services import WebServices, get_services
from workflows.programme import ProgramWorkflow

router = APIRouter(tags=["pairs"])
Services = Annotated[WebServices, Depends(get_services)]
RelationshipIdPath = Annotated[
    str, Path(pattern=RELATIONSHIP_ID_PATTERN, description="As returned when the pair started.")
]


def _pair_rule_problems(body: StartPair) -> list[FieldProblem]:
    """What the domain would refuse at start; checked here so it is a 422, not a dead workflow."""
    problems = start_problems(
        mentor_id=body.mentor_id,
        mentee_id=body.mentee_id,
        coordinator_id=body.coordinator_id,
        owner_id=body.owner_id,
    )
    return [FieldProblem(field=f"body.{p.field}", message=p.message, code=p.code) for p in problems]


async def _exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


@router.post(
    "/pairs",
    status_code=status.HTTP_201_CREATED,
    response_model=PairCreated,
    responses={200: {"model": PairCreated, "description": "The pair already existed"}},
    summary="Start a pair directly (idempotent by programme, mentor and mentee)",
)
async def start_pair(
    body: StartPair,
    services: Services,
    owner: Annotated[str, Depends(api_key_digest)],
    key: Annotated[Key, Depends(requires(Scope.START_PAIRS))],
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    problems = _pair_rule_problems(body)
    if problems:
        raise ProblemError(422, "invalid-pair", "This pair cannot start", errors=problems)
    await _ensure_may_pair(services, key, body)
    try:
        request = PairRequest.model_validate(body.model_dump())
    except ValidationError as error:
        fields = validation_problems(error.errors())
        raise ProblemError(422, "invalid-pair", "This pair cannot start", errors=fields) from None

    async def start() -> Answer:
        workflow_id = relationship_id(body.programme_id, body.mentor_id, body.mentee_id)
        existed = await _exists(services.client, workflow_id)
        handle = await start_relationship(
            services.client,
            request,
            task_queue=services.settings.task_queue,
            people=services.pool,
        )
        status_url = f"/api/v1/pairs/{handle.id}"
        created = PairCreated(
            relationship_id=handle.id,
            programme_id=body.programme_id,
            created=not existed,
            status_url=status_url,
        )
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Answer(code, created.model_dump(mode="json"), location=status_url)

    return await idempotent(
        services.pool,
        owner=owner,
        key=idempotency_key,
        request_print=fingerprint("POST /api/v1/pairs", body.model_dump_json()),
        produce=start,
    )


async def _ensure_may_pair(services: WebServices, key: ApiKey, body: StartPair) -> None:
    """A key pairs at least one of its own people, in a programme its organisation is a member
    of, with someone of a member organisation; anything else is an unknown programme or person."""
    async with services.pool.acquire() as conn:
        members = await programme_members(conn, body.programme_id)
        known = await organisations_of(conn, [body.mentor_id, body.mentee_id])
    if key.organisation not in members:
        raise not_found("programme")
    # Someone not in the directory is the default organisation's, as everywhere else.
    mentor_org, mentee_org = (
        known.get(p, DEFAULT_ORGANISATION) for p in (body.mentor_id, body.mentee_id)
    )
    if key.organisation not in (mentor_org, mentee_org) or not {mentor_org, mentee_org} <= set(
        members
    ):
        raise not_found("person")
    rules = await _programme_rules(services, body.programme_id)
    if rules is not None and not rules.organisations_allowed(mentor_org, mentee_org):
        problem = FieldProblem(
            field="body.mentee_id",
            message="the programme's organisation rule excludes pairing these two organisations",
            code="organisations",
        )
        raise ProblemError(422, "invalid-pair", "This pair cannot start", errors=[problem])


async def _programme_rules(services: WebServices, programme_id: str) -> MatchingConstraints | None:
    """The programme's matching rules, or None for pairs of a programme without a workflow."""
    try:
        definition = await programmes.programme_handle(services.client, programme_id).query(
            ProgramWorkflow.definition
        )
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    return definition.constraints


def _status(state: RelationshipState, workflow_status: str) -> PairStatus:
    meetings = state.meetings
    return PairStatus(
        relationship_id=state.relationship_id,
        programme_id=state.programme_id,
        mentor_id=state.mentor_id,
        mentee_id=state.mentee_id,
        workflow_status=workflow_status,
        # As the two people see it: a case they were not told of would point at its raiser.
        phase=participant_phase(state).value,
        mode=state.mode.value,
        health=state.health.level.value,
        health_reasons=list(state.health.reason_codes),
        term_number=state.term_number,
        term_end=state.term_end,
        contract_version_in_force=state.contract_in_force,
        meetings_held=sum(1 for m in meetings if m.status == MeetingStatus.HELD),
        meetings_missed=sum(1 for m in meetings if m.status == MeetingStatus.MISSED),
        escalation_open=escalation_shown_to_participants(state),
        awaiting_response_from=list(state.awaiting_response_from),
        open_prompts=[
            PromptSummary(
                prompt_id=p.prompt_id,
                kind=p.kind.value,
                recipient_id=p.recipient_id,
                due_at=p.due_at,
            )
            for p in sorted(state.open_prompts, key=lambda p: (p.due_at, p.prompt_id))
        ],
        end_reason=state.end_reason,
    )


@router.get("/pairs/{relationship_id}", summary="Phase, health and open prompts of one pair")
async def pair_status(
    relationship_id: RelationshipIdPath, services: Services, key: Key
) -> PairStatus:
    state = await reachable_relationship(services, key, relationship_id)
    description = await relationship_handle(services.client, relationship_id).describe()
    workflow_status = description.status.name.lower() if description.status else "unknown"
    return _status(state, workflow_status)


@router.get(
    "/pairs/{relationship_id}/timeline", summary="What happened, one line each, no private text"
)
async def pair_timeline(
    relationship_id: RelationshipIdPath, services: Services, key: Key
) -> Timeline:
    state = await reachable_relationship(services, key, relationship_id)
    # The workflow's timeline query is this very function of its state.
    return Timeline(relationship_id=relationship_id, lines=list(timeline(state)))
