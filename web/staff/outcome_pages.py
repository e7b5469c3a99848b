"""Programme outcomes in the staff workspace: the live report, retention and inclusion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from temporalio.service import RPCError

from projections.reports import DEFAULT_MIN_GROUP_SIZE
from reporting.programme_page import programme_report_html
from web.api.programme_models import MinGroupSizeQuery
from web.report_page import REPORT_POLICY
from web.services import WebServices, get_services
from web.staff.access import StaffRefusedError, viewer_from_token
from web.staff.cases import BUSY
from web.staff.outcomes import inclusion, retention
from web.staff.rendering import page
from web.staff.review_pages import programme_for_staff

router = APIRouter(prefix="/staff", include_in_schema=False)
Services = Annotated[WebServices, Depends(get_services)]


async def _allowed(services: WebServices, token: str, programme_id: str) -> None:
    viewer = await viewer_from_token(services, token)
    await programme_for_staff(services, viewer, programme_id)


@router.get("/{token}/programmes/{programme_id}/outcomes", response_class=HTMLResponse)
async def outcomes_page(
    request: Request,
    token: str,
    programme_id: str,
    services: Services,
    min_group_size: MinGroupSizeQuery = DEFAULT_MIN_GROUP_SIZE,
) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
        _, programme = await programme_for_staff(services, viewer, programme_id)
    except StaffRefusedError as refusal:
        return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)
    except RPCError:
        return page(request, "refused.html.j2", {"message": BUSY}, 503)
    context = {
        "token": token,
        "viewer": viewer,
        "programme": programme,
        "min_group_size": min_group_size,
        "retention": await retention(services.pool, programme_id, min_group_size),
        "inclusion": await inclusion(services.pool, programme_id, min_group_size),
    }
    return page(request, "outcomes.html.j2", context)


@router.get("/{token}/programmes/{programme_id}/report", response_class=HTMLResponse)
async def live_report(
    request: Request,
    token: str,
    programme_id: str,
    services: Services,
    min_group_size: MinGroupSizeQuery = DEFAULT_MIN_GROUP_SIZE,
) -> HTMLResponse:
    """The same report page operators and HR systems read, for the programme's own staff."""
    try:
        await _allowed(services, token, programme_id)
    except StaffRefusedError as refusal:
        return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)
    except RPCError:
        return page(request, "refused.html.j2", {"message": BUSY}, 503)
    async with services.pool.acquire() as conn:
        report = await programme_report_html(conn, programme_id, min_group_size)
    return HTMLResponse(report, headers={"Content-Security-Policy": REPORT_POLICY})
