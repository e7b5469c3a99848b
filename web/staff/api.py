"""The workspace's operations in the HR API: list cases, read one, resolve it; pairs at risk.

An HR API key (scope `manage-staff`) acts for its organisation, like an operator narrowed to the
pairs with at least one of its people (docs/organisations.md), and, like an operator, never reads
a participant's private note. Whoever resolves through the API names
the staff member it acts for (``actor``), which is recorded in the event and the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Protocol, TypeVar

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from domain.base import Identifier
from domain.commands import Resolution, ResolveEscalation
from services.errors import RefusedError
from services.staff import StaffAction, act_on_relationship
from twoway.credentials import ApiKey, Scope
from web.api.auth import require_api_key
from web.api.scoping import filter_reachable_pairs, reachable_relationship, requires
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.services import WebServices, get_services
from web.sql_files import load_sql
from web.staff.access import StaffRefusedError, StaffViewer
from web.staff.cases import Case, open_cases, read_case, split_key
from web.staff.pairs import pairs_at_risk

router = APIRouter(
    prefix="/api/v1",
    tags=["cases"],
    dependencies=[Depends(require_api_key)],
    responses=PROBLEM_RESPONSES,
)
Services = Annotated[WebServices, Depends(get_services)]
# The staff operations: reading and resolving cases, pairs at risk.
ManagesStaff = Annotated[ApiKey, Depends(requires(Scope.MANAGE_STAFF))]
# The API key's view: every programme, no private notes (person_id None, like an operator),
# narrowed to the pairs with at least one person of the key's organisation.
_ORGANISATION = StaffViewer(person_id=None, roles={})


class _OfRelationship(Protocol):
    @property
    def relationship_id(self) -> str: ...


Item = TypeVar("Item", bound=_OfRelationship)


async def _reachable(services: WebServices, key: ApiKey, items: list[Item]) -> list[Item]:
    """Those of ``items`` whose pair has at least one person of the key's organisation."""
    ids = sorted({item.relationship_id for item in items})
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("relationship_participants"), ids)
    people = {row["relationship_id"]: (row["mentor_id"], row["mentee_id"]) for row in rows}
    return await filter_reachable_pairs(
        services, key, items, lambda item: people.get(item.relationship_id, ())
    )


class CaseOut(BaseModel):
    escalation_key: str = Field(description="`{relationship_id}:{escalation_id}`")
    relationship_id: str
    programme_id: str
    reason_codes: list[str]
    severity: str
    level: int = Field(description="1 the coordinator, 2 and up the programme owner.")
    assigned_to: str
    respond_by: datetime
    opened_at: datetime
    status: str


class CaseList(BaseModel):
    items: list[CaseOut]


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    outcome: str
    detail: str | None


class CaseDetail(BaseModel):
    escalation_key: str
    relationship_id: str
    programme_id: str
    phase: str
    health: str
    reason_codes: list[str]
    severity: str
    level: int
    opened_at: datetime
    respond_by: datetime | None
    status: Literal["open", "resolved"]
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    meetings_held: int
    meetings_missed: int
    audit: list[AuditOut]


class ResolutionBody(BaseModel):
    resolution: Resolution
    actor: Identifier = Field(description="The coordinator or owner this resolution is made for.")


class PairAtRiskOut(BaseModel):
    relationship_id: str
    programme_id: str
    phase: str
    health: str
    reasons: list[str]
    health_since: datetime | None
    escalation_open: bool


class PairsAtRisk(BaseModel):
    items: list[PairAtRiskOut]


@router.get("/cases", summary="Open escalation cases, soonest deadline first")
async def list_cases(
    services: Services,
    key: ManagesStaff,
    programme_id: Annotated[str | None, Query(max_length=64)] = None,
) -> CaseList:
    cases = await _reachable(services, key, await open_cases(services, _ORGANISATION))
    return CaseList(
        items=[
            CaseOut.model_validate(case, from_attributes=True)
            for case in cases
            if programme_id is None or case.programme_id == programme_id
        ]
    )


@router.get("/cases/{escalation_key}", summary="One case: its pair, its state and who acted")
async def read_one_case(escalation_key: str, services: Services, key: ManagesStaff) -> CaseDetail:
    return await _detail(services, key, escalation_key)


@router.post(
    "/cases/{escalation_key}/resolution",
    summary="Resolve a case (continue, amend_contract, pause, end_without_fault, rematch)",
)
async def resolve_case(
    escalation_key: str, body: ResolutionBody, services: Services, key: ManagesStaff
) -> CaseDetail:
    case = await _case(services, key, escalation_key)
    relationship_id, escalation_id = split_key(escalation_key)
    command = ResolveEscalation(
        resolution=body.resolution, escalation_id=escalation_id, actor=body.actor
    )
    done = StaffAction(
        body.actor,
        "resolved",
        escalation_id=escalation_id,
        detail=f"{body.resolution} (api, {key.key_id})",
    )
    try:
        await act_on_relationship(
            case.handle,
            command,
            done,
            pool=services.pool,
            relationship_id=relationship_id,
            at=services.clock(),
        )
    except RefusedError as refused:
        raise ProblemError(
            409, "case-refused", "The case cannot be resolved so", refused.message
        ) from None
    return await _detail(services, key, escalation_key)


@router.get("/pairs-at-risk", summary="Pairs whose health is amber or red, with the reasons")
async def list_pairs_at_risk(
    services: Services,
    key: ManagesStaff,
    programme_id: Annotated[str | None, Query(max_length=64)] = None,
    sort: Literal["health", "programme", "pair", "since"] = "health",
) -> PairsAtRisk:
    pairs = await _reachable(services, key, await pairs_at_risk(services, _ORGANISATION, sort))
    return PairsAtRisk(
        items=[
            PairAtRiskOut.model_validate(pair, from_attributes=True)
            for pair in pairs
            if programme_id is None or pair.programme_id == programme_id
        ]
    )


async def _case(services: WebServices, key: ApiKey, escalation_key: str) -> Case:
    try:
        await reachable_relationship(services, key, split_key(escalation_key)[0])
    except (StaffRefusedError, ProblemError):
        raise ProblemError(404, "not-found", "No such case", "No case has this key.") from None
    try:
        return await read_case(services, _ORGANISATION, escalation_key)
    except StaffRefusedError as refusal:
        if refusal.status == 404:
            raise ProblemError(404, "not-found", "No such case", "No case has this key.") from None
        raise ProblemError(
            503, "unavailable", "The case cannot be read now", refusal.message
        ) from None


async def _detail(services: WebServices, key: ApiKey, escalation_key: str) -> CaseDetail:
    case = await _case(services, key, escalation_key)
    escalation, state = case.escalation, case.state
    return CaseDetail(
        escalation_key=escalation_key,
        relationship_id=state.relationship_id,
        programme_id=state.programme_id,
        phase=state.phase.value,
        health=state.health.level.value,
        reason_codes=list(escalation.reasons),
        severity=escalation.severity.value,
        level=escalation.level,
        opened_at=escalation.opened_at,
        respond_by=escalation.respond_by,
        status=escalation.status.value,
        resolution=escalation.resolution,
        resolved_by=escalation.resolved_by,
        resolved_at=escalation.resolved_at,
        meetings_held=len(case.held),
        meetings_missed=len(case.missed),
        audit=[
            AuditOut(at=a.at, actor=a.actor, action=a.action, outcome=a.outcome, detail=a.detail)
            for a in case.audit
        ],
    )
