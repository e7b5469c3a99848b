"""Programmes over HTTP: create, import the roster, match, review and approve, follow, report.

Every operation is the CLI's (`services.programmes`); this module only speaks HTTP around it.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from domain.policy import RelationshipPolicy
from domain.programme import Programme
from projections.reports import DEFAULT_MIN_GROUP_SIZE, programme_report
from reporting.retention import programme_retention
from services import programmes
from services.errors import RefusedError
from store.organisations import add_programme_members, programme_members
from twoway.credentials import ApiKey, Scope
from web.api.auth import api_key_digest
from web.api.programme_lookup import ProgrammeIdPath, existing_programme, running_programme
from web.api.programme_models import (
    ApprovalBody,
    ApprovalOut,
    CreateProgramme,
    MatchingRequest,
    MinGroupSizeQuery,
    ProgrammeCreated,
    ProgrammeFigures,
    ProgrammeStatusOut,
    ProposalOut,
    ProposedPair,
    RosterImported,
)
from web.api.roster_upload import ROSTER_REQUEST_BODY, import_uploaded_roster
from web.api.scoping import Key, ensure_programme_member, own_people, requires
from web.idempotency import Answer, IdempotencyKey, fingerprint, idempotent
from web.problems import FieldProblem, ProblemError, validation_problems
from web.reads import pairs_of_organisation
from web.services import WebServices, get_services
from workflows.programme import ProgramWorkflow

router = APIRouter(tags=["programmes"])
Services = Annotated[WebServices, Depends(get_services)]
Owner = Annotated[str, Depends(api_key_digest)]
StartsPairs = Annotated[Key, Depends(requires(Scope.START_PAIRS))]
ImportsRosters = Annotated[Key, Depends(requires(Scope.IMPORT_ROSTERS))]
ReadsFigures = Annotated[Key, Depends(requires(Scope.READ_FIGURES))]

# Refusals by the programme workflow, by the error type its validators raise.
_CONFLICTS = {
    "StaleProposal": ("stale-proposal", "The proposal has changed since it was read"),
    "NoProposal": ("no-proposal", "No proposal awaits approval"),
    "ProgrammeRuleViolated": ("programme-rule", "Refused by the programme's rules"),
}
_INVALID_OVERRIDES = frozenset({"InvalidOverride", "OverrideRejected"})


def _definition(body: CreateProgramme) -> Programme:
    values = body.model_dump(exclude={"policy", "partner_organisations"})
    values["relationship_policy"] = (
        RelationshipPolicy.fast() if body.policy == "fast" else RelationshipPolicy.standard()
    )
    try:
        return Programme.model_validate(values)
    except ValidationError as error:
        problems = [
            FieldProblem(field=f"body.{p.field}", message=p.message, code=p.code)
            for p in validation_problems(error.errors())
        ]
        raise ProblemError(
            422, "invalid-programme", "This programme cannot start", errors=problems
        ) from None


@router.post(
    "/programmes",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgrammeCreated,
    responses={200: {"model": ProgrammeCreated, "description": "The programme already existed"}},
    summary="Create a programme (idempotent by programme id: 201, then 200)",
)
async def create_programme(
    body: CreateProgramme,
    services: Services,
    owner: Owner,
    key: StartsPairs,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    definition = _definition(body)
    await _ensure_may_create(services, key, body.programme_id)

    async def create() -> Answer:
        created = await programmes.create_programme(
            services.client, services.settings.task_queue, definition
        )
        if created:
            await _record_members(services, key, body)
        status_url = f"/api/v1/programmes/{body.programme_id}"
        answer = ProgrammeCreated(
            programme_id=body.programme_id, created=created, status_url=status_url
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Answer(code, answer.model_dump(mode="json"), location=status_url)

    return await idempotent(
        services.pool,
        owner=owner,
        key=idempotency_key,
        request_print=fingerprint("POST /api/v1/programmes", body.model_dump_json()),
        produce=create,
    )


@router.post(
    "/programmes/{programme_id}/roster",
    response_model=RosterImported,
    openapi_extra=ROSTER_REQUEST_BODY,
    summary="Import the roster (CSV upload or JSON); re-importing the same roster changes nothing",
    description=(
        "Send a CSV or JSON file as multipart field `file`, or the roster itself as a"
        " `text/csv` or `application/json` body. Every line is validated first. By default a"
        " roster with any invalid line is refused whole (422, each problem naming its `line` and"
        " `field`) and nothing is imported. With `skip_invalid=true` the valid lines are"
        " imported and the answer lists the skipped lines and why; a roster without a single"
        " valid line is still a 422."
    ),
)
async def import_roster(
    programme_id: ProgrammeIdPath,
    request: Request,
    services: Services,
    owner: Owner,
    key: ImportsRosters,
    skip_invalid: Annotated[
        bool, Query(description="Import the valid lines and list the invalid ones.")
    ] = False,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await ensure_programme_member(services, key, programme_id)
    await existing_programme(services, programme_id)
    return await import_uploaded_roster(
        request,
        services,
        programme_id=programme_id,
        organisation=key.organisation,
        skip_invalid=skip_invalid,
        owner=owner,
        idempotency_key=idempotency_key,
    )


@router.post(
    "/programmes/{programme_id}/matching",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Start a matching run (after the roster import), or rematch the remaining pool",
)
async def start_matching(
    programme_id: ProgrammeIdPath,
    services: Services,
    key: StartsPairs,
    body: MatchingRequest | None = None,
) -> ProgrammeStatusOut:
    await ensure_programme_member(services, key, programme_id)
    handle = await running_programme(services, programme_id)
    request_id = (body.request_id if body else None) or f"api-{uuid.uuid4().hex}"
    try:
        await programmes.start_matching(handle, request_id)
    except RefusedError as refused:
        raise _refusal(refused) from None
    return await _status_of(services, programme_id)


@router.post(
    "/programmes/{programme_id}/close",
    summary="Close a programme before its end date (closed early, or cancelled)",
)
async def close_programme(
    programme_id: ProgrammeIdPath,
    services: Services,
    key: StartsPairs,
    cancel: Annotated[bool, Query(description="Cancelled rather than closed early.")] = False,
) -> ProgrammeStatusOut:
    await ensure_programme_member(services, key, programme_id)
    handle = await running_programme(services, programme_id)
    try:
        await programmes.close_programme(handle, cancel=cancel)
    except RefusedError as refused:
        raise _refusal(refused) from None
    return await _status_of(services, programme_id)


@router.get("/programmes/{programme_id}", summary="Phase and counts of a programme")
async def programme_status(
    programme_id: ProgrammeIdPath, services: Services, key: Key
) -> ProgrammeStatusOut:
    await ensure_programme_member(services, key, programme_id)
    return await _status_of(services, programme_id)


@router.get(
    "/programmes/{programme_id}/proposal",
    summary="The proposal awaiting review: pairs with their scores (404 when none awaits)",
)
async def read_proposal(
    programme_id: ProgrammeIdPath, services: Services, key: StartsPairs
) -> ProposalOut:
    await ensure_programme_member(services, key, programme_id)
    handle, _ = await existing_programme(services, programme_id)
    proposal = await programmes.current_proposal(handle)
    if proposal is None:
        current = await programmes.programme_status(handle)
        raise ProblemError(
            404,
            "no-proposal",
            "No proposal awaits review",
            f"The programme is {current.phase}.",
        )
    # Each organisation reviews the proposed pairs with at least one of its own people.
    mine = await own_people(
        services, key, [i for p in proposal.pairs for i in (p.mentor_id, p.mentee_id)]
    )
    return ProposalOut(
        programme_id=programme_id,
        version=proposal.version,
        pairs=[
            ProposedPair(mentor_id=p.mentor_id, mentee_id=p.mentee_id, score=p.score)
            for p in proposal.pairs
            if mine.intersection((p.mentor_id, p.mentee_id))
        ],
        unmatched=proposal.unmatched,
        total_score=proposal.total_score,
    )


@router.post(
    "/programmes/{programme_id}/approval",
    summary="Review the proposal: per-pair overrides (swap, exclude, force) and approval",
    description=(
        "`proposal_version` must be the version just read; if the proposal changed since, the"
        " answer is 409 `/problems/stale-proposal`. Overrides that do not fit the proposal or"
        " break a hard constraint are a 422 naming `body.overrides`."
    ),
)
async def approve(
    programme_id: ProgrammeIdPath, body: ApprovalBody, services: Services, key: StartsPairs
) -> ApprovalOut:
    await ensure_programme_member(services, key, programme_id)
    handle = await running_programme(services, programme_id)
    review_id = body.review_id or _derived_review_id(body)
    try:
        receipt = await programmes.review_proposal(
            handle,
            review_id=review_id,
            proposal_version=body.proposal_version,
            overrides=body.overrides,
            approve=body.approve,
        )
    except RefusedError as refused:
        raise _refusal(refused) from None
    return ApprovalOut(programme_id=programme_id, **receipt.model_dump())


@router.get(
    "/programmes/{programme_id}/report",
    tags=["figures"],
    summary="Programme figures per programme and intake cohort, small groups withheld",
)
async def programme_figures(
    programme_id: ProgrammeIdPath,
    services: Services,
    key: ReadsFigures,
    min_group_size: MinGroupSizeQuery = DEFAULT_MIN_GROUP_SIZE,
    of: Annotated[
        Literal["joint", "organisation"],
        Query(
            description="`joint`: every pair of the programme, and retention among the people"
            " of all its organisations; `organisation`: the pairs with at least one person of"
            " the key's organisation, and retention among its people. Both withhold small groups."
        ),
    ] = "joint",
) -> ProgrammeFigures:
    await ensure_programme_member(services, key, programme_id)
    handle, _ = await existing_programme(services, programme_id)
    definition = await handle.query(ProgramWorkflow.definition)
    only = await _own_pairs(services, key, programme_id) if of == "organisation" else None
    async with services.pool.acquire() as conn:
        organisations = (
            [key.organisation]
            if of == "organisation"
            else list(await programme_members(conn, programme_id))
        )
        report = await programme_report(conn, programme_id, min_group_size, only=only)
        retention = await programme_retention(
            conn,
            programme_id,
            organisations,
            definition.term,
            min_group_size,
            services.clock().date(),
        )
    return ProgrammeFigures(**report.model_dump(), of=of, retention=retention)


async def _own_pairs(services: WebServices, key: ApiKey, programme_id: str) -> frozenset[str]:
    return await pairs_of_organisation(services.pool, programme_id, key.organisation)


async def _status_of(services: WebServices, programme_id: str) -> ProgrammeStatusOut:
    handle, description = await existing_programme(services, programme_id)
    current = await programmes.programme_status(handle)
    workflow_status = description.status.name.lower() if description.status else "unknown"
    return ProgrammeStatusOut(
        workflow_status=workflow_status,
        **current.model_dump(exclude={"digests_sent"}),
    )


async def _ensure_may_create(services: WebServices, key: ApiKey, programme_id: str) -> None:
    """Programme ids are one namespace: one taken by programmes of other organisations is
    refused as a conflict (creating an own programme again stays an idempotent 200)."""
    async with services.pool.acquire() as conn:
        members = await programme_members(conn, programme_id)
    if key.organisation in members:
        return
    try:
        await existing_programme(services, programme_id)
    except ProblemError:
        return  # free
    raise ProblemError(409, "programme-id-taken", "This programme id is taken", None)


async def _record_members(services: WebServices, key: ApiKey, body: CreateProgramme) -> None:
    members = {key.organisation: tuple(body.coordinator_ids)}
    for partner in body.partner_organisations:
        members.setdefault(partner.organisation, tuple(partner.coordinator_ids))
    async with services.pool.acquire() as conn:
        await add_programme_members(conn, body.programme_id, members)


def _derived_review_id(body: ApprovalBody) -> str:
    # The same review of the same version is one review: a retried POST is answered again.
    digest = hashlib.sha256(body.model_dump_json(exclude={"review_id"}).encode()).hexdigest()
    return f"api-{digest[:40]}"


def _refusal(refused: RefusedError) -> ProblemError:
    kind, message = refused.code, refused.message
    if kind in _INVALID_OVERRIDES:
        return ProblemError(
            422,
            "invalid-override",
            "An override cannot apply to this proposal",
            message,
            errors=[FieldProblem(field="body.overrides", message=message, code=kind)],
        )
    code, title = _CONFLICTS.get(kind, ("programme-rule", "Refused by the programme's rules"))
    return ProblemError(409, code, title, message)
