"""The coordinators' and programme owners' workspace: plain HTML behind a signed staff link.

``/staff`` explains how to get in (and lets an operator sign in with the operator token);
``/staff/{token}`` lists the open cases of the programmes the person holds a role in;
``/staff/{token}/cases/{key}`` is one case, with its actions.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from domain.commands import ResolveEscalation
from domain.state import EscalationStatus
from services.errors import RefusedError
from services.staff import (
    ACTION_TITLES,
    StaffAction,
    act_on_relationship,
    audit_stream,
    record_action,
)
from twoway.logging import get_logger
from web.services import WebServices, get_services
from web.staff.access import (
    StaffRefusedError,
    StaffViewer,
    operator_link_token,
    programme_definitions,
    viewer_from_token,
)
from web.staff.cases import (
    BUSY,
    RESOLUTIONS,
    Case,
    case_standing,
    notes_for_staff,
    open_cases,
    read_case,
    split_key,
)
from web.staff.rendering import page

log = get_logger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)
Services = Annotated[WebServices, Depends(get_services)]
NOT_CONFIRMED = (
    "The service is very busy and could not confirm this action. Look at the case again before"
    " repeating it."
)
# Actions that only tell colleagues where the case stands: the pair notices nothing.
NOTE_ACTIONS = {
    "acknowledge": "acknowledged",
    "talking-to-raiser": "talking_to_raiser",
}


def _refused(request: Request, refusal: StaffRefusedError) -> HTMLResponse:
    return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)


def _unavailable(request: Request, error: RPCError) -> HTMLResponse:
    log.warning("staff_temporal_unavailable", status=error.status.name)
    return _refused(request, StaffRefusedError(503, BUSY))


def case_path(token: str, escalation_key: str) -> str:
    return f"/staff/{token}/cases/{quote(escalation_key, safe='')}"


@router.get("", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> HTMLResponse:
    return page(request, "sign_in.html.j2", {"error": None})


@router.post("/sign-in", response_class=HTMLResponse, response_model=None)
async def operator_sign_in(request: Request, services: Services) -> Response:
    submitted = await request.form()
    presented = submitted.get("operator_token")
    if not isinstance(presented, str) or not services.credentials.operator_token_is_valid(
        presented.strip()
    ):
        log.info("staff_operator_sign_in_refused")
        error = "This is not the operator token. Operators find it in their secret store."
        return page(request, "sign_in.html.j2", {"error": error}, 403)
    log.info("staff_operator_signed_in")
    return RedirectResponse(f"/staff/{operator_link_token(services)}", status_code=303)


@router.get("/{token}", response_class=HTMLResponse)
async def workspace(request: Request, token: str, services: Services) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
    except StaffRefusedError as refusal:
        return _refused(request, refusal)
    cases = await open_cases(services, viewer)
    if viewer.is_operator:
        programmes = sorted(p.programme_id for p in await programme_definitions(services))
    else:
        programmes = sorted(viewer.roles)
    context = {
        "token": token,
        "viewer": viewer,
        "programmes": programmes,
        "cases": cases,
        "standing": await case_standing(services, cases),
        "action_titles": ACTION_TITLES,
        "now": services.clock(),
        "case_path": case_path,
    }
    return page(request, "workspace.html.j2", context)


@router.get("/{token}/cases/{escalation_key}", response_class=HTMLResponse)
async def case_page(
    request: Request, token: str, escalation_key: str, services: Services
) -> HTMLResponse:
    return await _render_case(request, services, token, escalation_key)


async def _render_case(
    request: Request,
    services: WebServices,
    token: str,
    escalation_key: str,
    *,
    message: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
        case = await read_case(services, viewer, escalation_key)
    except StaffRefusedError as refusal:
        return _refused(request, refusal)
    except RPCError as error:
        return _unavailable(request, error)
    context = {
        "token": token,
        "viewer": viewer,
        "case": case,
        "escalation": case.escalation,
        "state": case.state,
        "private_note_visible": viewer.reads_private_note(case.state),
        "participant_notes": await notes_for_staff(services, viewer, case.state),
        "resolutions": RESOLUTIONS,
        "message": message,
        "now": services.clock(),
        "action_path": case_path(token, escalation_key),
    }
    return page(request, "case.html.j2", context, status)


@router.post("/{token}/cases/{escalation_key}/{action}", response_model=None)
async def case_action(
    request: Request, token: str, escalation_key: str, action: str, services: Services
) -> Response:
    try:
        viewer = await viewer_from_token(services, token)
        case = await read_case(services, viewer, escalation_key)
    except StaffRefusedError as refusal:
        return _refused(request, refusal)
    except RPCError as error:
        return _unavailable(request, error)
    relationship_id, escalation_id = split_key(escalation_key)
    if case.escalation.status != EscalationStatus.OPEN:
        message = "This case is already resolved; nothing was changed."
        return await _render_case(
            request, services, token, escalation_key, message=message, status=409
        )
    if action in NOTE_ACTIONS:
        done = StaffAction(viewer.actor, NOTE_ACTIONS[action], escalation_id=escalation_id)
        await record_action(services.pool, audit_stream(relationship_id), done, services.clock())
        return RedirectResponse(case_path(token, escalation_key), status_code=303)
    if action != "resolve":
        return _refused(request, StaffRefusedError(404, "There is no such action."))
    submitted = await request.form()
    resolution = submitted.get("resolution")
    if not isinstance(resolution, str) or resolution not in RESOLUTIONS:
        message = "Choose how to resolve the case."
        return await _render_case(
            request, services, token, escalation_key, message=message, status=422
        )
    return await _resolve(request, services, viewer, case, token, resolution)


async def _resolve(
    request: Request,
    services: WebServices,
    viewer: StaffViewer,
    case: Case,
    token: str,
    resolution: str,
) -> Response:
    escalation_key = case.escalation_key
    relationship_id, escalation_id = split_key(escalation_key)
    command = ResolveEscalation.model_validate(
        {"resolution": resolution, "escalation_id": escalation_id, "actor": viewer.actor}
    )
    done = StaffAction(viewer.actor, "resolved", escalation_id=escalation_id, detail=resolution)
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
        return await _render_case(
            request, services, token, escalation_key, message=refused.message, status=409
        )
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        return await _render_case(
            request, services, token, escalation_key, message=NOT_CONFIRMED, status=503
        )
    except RPCError as error:
        return _unavailable(request, error)
    log.info("staff_case_resolved", resolution=resolution)
    return RedirectResponse(case_path(token, escalation_key), status_code=303)
