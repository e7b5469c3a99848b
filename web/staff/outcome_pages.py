"""Programme outcomes in the staff workspace: the live report, retention and inclusion.

In a programme of several organisations, a coordinator or owner reads the figures of their own
organisation (``?of=organisation``: its pairs, its people) or the joint ones (``?of=joint``, the
default); both withhold groups below the minimum group size. Elsewhere every figure is joint.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from temporalio.service import RPCError

from projections.reports import DEFAULT_MIN_GROUP_SIZE
from reporting.programme_page import JOINT, organisation_scope, programme_report_html
from store.organisations import organisation_names
from web.api.programme_models import MinGroupSizeQuery
from web.reads import pairs_of_organisation
from web.report_page import REPORT_POLICY
from web.services import WebServices, get_services
from web.staff.access import StaffRefusedError, StaffViewer, viewer_from_token
from web.staff.cases import BUSY
from web.staff.outcomes import inclusion, organisations_counted, retention
from web.staff.rendering import page
from web.staff.review_pages import programme_for_staff

router = APIRouter(prefix="/staff", include_in_schema=False)
Services = Annotated[WebServices, Depends(get_services)]
OfQuery = Annotated[
    Literal["joint", "organisation"],
    Query(description="`joint`: every pair and person; `organisation`: the viewer's own."),
]


def own_organisation(viewer: StaffViewer, programme_id: str, of: str) -> str | None:
    """The organisation whose figures the viewer asked for; None for the joint figures (asked
    for, or the only ones: a programme of one organisation, an operator)."""
    return viewer.organisations.get(programme_id) if of == "organisation" else None


async def _organisation_name(services: WebServices, organisation: str) -> str:
    async with services.pool.acquire() as conn:
        return (await organisation_names(conn, [organisation]))[organisation]


@router.get("/{token}/programmes/{programme_id}/outcomes", response_class=HTMLResponse)
async def outcomes_page(
    request: Request,
    token: str,
    programme_id: str,
    services: Services,
    min_group_size: MinGroupSizeQuery = DEFAULT_MIN_GROUP_SIZE,
    of: OfQuery = "joint",
) -> HTMLResponse:
    try:
        viewer = await viewer_from_token(services, token)
        _, programme = await programme_for_staff(services, viewer, programme_id)
    except StaffRefusedError as refusal:
        return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)
    except RPCError:
        return page(request, "refused.html.j2", {"message": BUSY}, 503)
    own = own_organisation(viewer, programme_id, of)
    organisations = await organisations_counted(services.pool, programme_id, own)
    mine = viewer.organisations.get(programme_id)
    context = {
        "token": token,
        "viewer": viewer,
        "programme": programme,
        "min_group_size": min_group_size,
        "of": "joint" if own is None else "organisation",
        "own_name": None if mine is None else await _organisation_name(services, mine),
        "retention": await retention(
            services.pool,
            programme_id,
            organisations,
            programme.term,
            min_group_size,
            services.clock().date(),
        ),
        "inclusion": await inclusion(services.pool, programme_id, organisations, min_group_size),
    }
    return page(request, "outcomes.html.j2", context)


@router.get("/{token}/programmes/{programme_id}/report", response_class=HTMLResponse)
async def live_report(
    request: Request,
    token: str,
    programme_id: str,
    services: Services,
    min_group_size: MinGroupSizeQuery = DEFAULT_MIN_GROUP_SIZE,
    of: OfQuery = "joint",
) -> HTMLResponse:
    """The same report page operators and HR systems read, for the programme's own staff."""
    try:
        viewer = await viewer_from_token(services, token)
        await programme_for_staff(services, viewer, programme_id)
    except StaffRefusedError as refusal:
        return page(request, "refused.html.j2", {"message": refusal.message}, refusal.status)
    except RPCError:
        return page(request, "refused.html.j2", {"message": BUSY}, 503)
    own = own_organisation(viewer, programme_id, of)
    only, scope = None, JOINT
    if own is not None:
        only = await pairs_of_organisation(services.pool, programme_id, own)
        scope = organisation_scope(await _organisation_name(services, own))
    async with services.pool.acquire() as conn:
        report = await programme_report_html(
            conn, programme_id, min_group_size, only=only, scope=scope
        )
    return HTMLResponse(report, headers={"Content-Security-Policy": REPORT_POLICY})
