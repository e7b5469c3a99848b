"""Pairs at risk in the staff workspace, and pause / resume / end / extend behind a confirmation
that says what the pair will see before anything happens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from services.errors import RefusedError
from services.staff import (
    StaffAction,
    act_on_relationship,
    audit_trail,
)
from twoway.logging import get_logger
from web.services import WebServices, get_services
from web.staff.access import StaffRefusedError, viewer_from_token
from web.staff.cases import BUSY, notes_for_staff, relationship_for_staff
from web.staff.pages import NOT_CONFIRMED
from web.staff.pairs import PAIR_ACTIONS, SORTS, pair_command, pairs_at_risk
from web.staff.rendering import page

log = get_logger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)
Services = Annotated[WebServices, Depends(get_services)]


def _refused(request: Request, refusal: StaffRefusedError) -> HTMLResponse:
    return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)


def pair_path(token: str, relationship_id: str) -> str:
    return f"/staff/{token}/pairs/{relationship_id}"


@router.get("/{token}/pairs", response_class=HTMLResponse)
async def pairs_page(
    request: Request, token: str, services: Services, sort: str = "health"
) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
    except StaffRefusedError as refusal:
        return _refused(request, refusal)
    sort = sort if sort in SORTS else "health"
    pairs = await pairs_at_risk(services, viewer, sort)
    context = {"token": token, "viewer": viewer, "pairs": pairs, "sort": sort, "sorts": SORTS}
    return page(request, "pairs.html.j2", context)


@router.get("/{token}/pairs/{relationship_id}", response_class=HTMLResponse)
async def pair_page(
    request: Request,
    token: str,
    relationship_id: str,
    services: Services,
    confirm: str | None = None,
    term_end: str | None = None,
) -> HTMLResponse:
    return await _render_pair(request, services, token, relationship_id, confirm, term_end)


async def _render_pair(
    request: Request,
    services: WebServices,
    token: str,
    relationship_id: str,
    confirm: str | None,
    term_end: str | None,
    *,
    message: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
        _, state = await relationship_for_staff(services, viewer, relationship_id)
    except StaffRefusedError as refusal:
        return _refused(request, refusal)
    except RPCError as error:
        log.warning("staff_temporal_unavailable", status=error.status.name)
        return _refused(request, StaffRefusedError(503, BUSY))
    context = {
        "token": token,
        "viewer": viewer,
        "state": state,
        "participant_notes": await notes_for_staff(services, viewer, state),
        "private_note_visible": viewer.reads_private_note(state),
        "actions": PAIR_ACTIONS,
        "confirm": confirm if confirm in PAIR_ACTIONS else None,
        "term_end": term_end or "",
        "audit": await audit_trail(services.pool, relationship_id),
        "message": message,
        "action_path": pair_path(token, relationship_id),
    }
    return page(request, "pair.html.j2", context, status)


@router.post("/{token}/pairs/{relationship_id}/{action}", response_model=None)
async def pair_action(
    request: Request, token: str, relationship_id: str, action: str, services: Services
) -> Response:
    try:
        viewer = await viewer_from_token(services, token)
        handle, _ = await relationship_for_staff(services, viewer, relationship_id)
    except StaffRefusedError as refusal:
        return _refused(request, refusal)
    except RPCError as error:
        log.warning("staff_temporal_unavailable", status=error.status.name)
        return _refused(request, StaffRefusedError(503, BUSY))
    chosen = PAIR_ACTIONS.get(action)
    if chosen is None:
        return _refused(request, StaffRefusedError(404, "There is no such action."))
    form = await request.form()
    raw_end = form.get("term_end")
    term_end = raw_end if isinstance(raw_end, str) else None

    async def again(message: str, status: int) -> HTMLResponse:
        return await _render_pair(
            request,
            services,
            token,
            relationship_id,
            action,
            term_end,
            message=message,
            status=status,
        )

    try:
        new_end = _term_end(term_end) if action == "extend" else None
        command = pair_command(action, viewer.actor, new_end)
    except ValueError:
        return await again("Give the new term end as a date, e.g. 2026-12-31.", 422)
    detail = new_end.date().isoformat() if new_end else None
    action_taken = StaffAction(viewer.actor, chosen.audit, detail=detail)
    try:
        await act_on_relationship(
            handle,
            command,
            action_taken,
            pool=services.pool,
            relationship_id=relationship_id,
            at=services.clock(),
        )
    except RefusedError as refused:
        return await again(refused.message, 409)
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        return await again(NOT_CONFIRMED, 503)
    return RedirectResponse(pair_path(token, relationship_id), status_code=303)


def _term_end(text: str | None) -> datetime:
    """A date from the form, as the end of that day in UTC."""
    if not text:
        raise ValueError("missing")
    day = datetime.fromisoformat(text.strip())
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC)
