"""Match review in the staff workspace: read the proposal with its explanations, ask "why not A
with B", swap / exclude / force one pair at a time, and approve.

Every change is a review of one proposal version: when someone else changed the proposal in the
meantime, the workflow refuses it as stale and the page shows the current proposal instead.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.programme import Override, Programme
from services import programmes as service
from services.errors import RefusedError
from services.programmes import ProgrammeHandle
from services.staff import StaffAction, record_action
from twoway.logging import get_logger
from web.services import WebServices, get_services
from web.staff.access import NOTHING_HERE, StaffRefusedError, StaffViewer, viewer_from_token
from web.staff.cases import BUSY
from web.staff.rendering import page
from web.staff.review import narrowed_review, proposal_review, why_not
from workflows.programme import ProgramWorkflow

log = get_logger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)
Services = Annotated[WebServices, Depends(get_services)]
_OVERRIDE: TypeAdapter[Override] = TypeAdapter(Override)
STALE = (
    "The proposal changed since you opened it (someone else reviewed it): here is the current one."
)
OVERRIDE_FIELDS = {
    "swap": ("first_mentee_id", "second_mentee_id"),
    "exclude": ("mentor_id", "mentee_id"),
    "force": ("mentor_id", "mentee_id"),
}


def programme_audit_stream(programme_id: str) -> str:
    # Programme ids never hold a colon, so this cannot be a relationship's stream either.
    return f"programme:{programme_id}"


async def programme_for_staff(
    services: WebServices, viewer: StaffViewer, programme_id: str
) -> tuple[ProgrammeHandle, Programme]:
    if not viewer.sees(programme_id):
        raise StaffRefusedError(404, NOTHING_HERE)
    handle = service.programme_handle(services.client, programme_id)
    try:
        return handle, await handle.query(ProgramWorkflow.definition)
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise StaffRefusedError(404, NOTHING_HERE) from None
        raise
    except WorkflowQueryFailedError:
        raise StaffRefusedError(503, BUSY) from None


def review_path(token: str, programme_id: str) -> str:
    return f"/staff/{token}/programmes/{programme_id}/review"


@router.get("/{token}/programmes/{programme_id}/review", response_class=HTMLResponse)
async def review_page(
    request: Request,
    token: str,
    programme_id: str,
    services: Services,
    mentor: str | None = None,
    mentee: str | None = None,
) -> HTMLResponse:
    return await _render(request, services, token, programme_id, mentor=mentor, mentee=mentee)


async def _render(
    request: Request,
    services: WebServices,
    token: str,
    programme_id: str,
    *,
    mentor: str | None = None,
    mentee: str | None = None,
    message: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
        handle, programme = await programme_for_staff(services, viewer, programme_id)
        proposal = await service.current_proposal(handle)
        programme_status = await service.programme_status(handle)
    except StaffRefusedError as refusal:
        return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)
    except RPCError as error:
        log.warning("staff_temporal_unavailable", status=error.status.name)
        return page(request, "refused.html.j2", {"message": BUSY}, 503)
    own = viewer.organisations.get(programme_id)
    review = None
    if proposal is not None:
        full = await proposal_review(services.pool, programme_id, proposal)
        review = await narrowed_review(services.pool, full, own)
    explained = None
    if mentor and mentee:
        explained = await why_not(services.pool, programme, mentor, mentee)
    context = {
        "token": token,
        "viewer": viewer,
        "programme": programme,
        "status": programme_status,
        "review": review,
        "asked": (mentor, mentee) if mentor and mentee else None,
        "explained": explained,
        "message": message,
        "action": review_path(token, programme_id),
    }
    return page(request, "review.html.j2", context, status)


@router.post("/{token}/programmes/{programme_id}/review", response_model=None)
async def review_action(
    request: Request, token: str, programme_id: str, services: Services
) -> Response:
    try:
        viewer = await viewer_from_token(services, token)
        handle, _ = await programme_for_staff(services, viewer, programme_id)
    except StaffRefusedError as refusal:
        return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    action = form.get("action", "")
    try:
        version = int(form.get("version", ""))
        overrides = [] if action == "approve" else [_override_from(action, form)]
    except (ValueError, ValidationError):
        message = "Choose the people for this change."
        return await _render(request, services, token, programme_id, message=message, status=422)
    # One click is one review: a resent form (double click, reload) is applied once.
    review_id = (
        "staff-"
        + hashlib.sha256(f"{viewer.actor}|{version}|{sorted(form.items())}".encode()).hexdigest()[
            :40
        ]
    )
    try:
        await service.review_proposal(
            handle,
            review_id=review_id,
            proposal_version=version,
            overrides=overrides,
            approve=action == "approve",
        )
    except RefusedError as refusal:
        kind, message = refusal.code, refusal.message
        status = 409 if kind in ("StaleProposal", "NoProposal") else 422
        shown = STALE if kind == "StaleProposal" else message
        return await _render(request, services, token, programme_id, message=shown, status=status)
    detail = action if not overrides else f"{action} {' '.join(_people(overrides[0]))}"
    done = StaffAction(
        viewer.actor, "approved" if action == "approve" else "overrode", detail=detail
    )
    await record_action(services.pool, programme_audit_stream(programme_id), done, services.clock())
    return RedirectResponse(review_path(token, programme_id), status_code=303)


def _override_from(action: str, form: dict[str, str]) -> Override:
    fields = OVERRIDE_FIELDS.get(action)
    if fields is None:
        raise ValueError(action)
    return _OVERRIDE.validate_python({"type": action, **{f: form.get(f, "") for f in fields}})


def _people(override: Override) -> tuple[str, ...]:
    return tuple(str(value) for key, value in override.model_dump().items() if key.endswith("_id"))
