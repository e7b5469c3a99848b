"""`GET /programmes/{id}/report`: the offline programme report page, for coordinators.

Who may read it: an operator (the codec's operator token as a bearer token, or the
`twoway_operator_reports` session cookie that `/codec/login` sets for `/programmes`), or an
HR system with its API key.
The page shows exactly the figures `GET /api/v1/programmes/{id}/report` gives the API key, with
the same minimum group size, so accepting the key widens nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials

from projections.reports import DEFAULT_MIN_GROUP_SIZE
from reporting.programme_page import JOINT, organisation_scope, programme_report_html
from store.organisations import organisation_names
from twoway.credentials import ApiKey, Scope
from web.api.auth import bearer
from web.api.programme_lookup import ProgrammeIdPath, existing_programme
from web.api.programme_models import MinGroupSizeQuery
from web.api.scoping import ensure_programme_member
from web.codec.app import REPORTS_COOKIE
from web.operator_sessions import session_is_open
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.reads import pairs_of_organisation
from web.services import WebServices, get_services

Services = Annotated[WebServices, Depends(get_services)]
# Where the reader's API key waits for the route (operators have none, and no organisation).
_READER_KEY = "report_reader_key"
# Inline SVG and inline styles only; the page runs no script and loads nothing.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


async def require_report_reader(
    request: Request,
    services: Services,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    known = services.credentials
    if credentials is not None:
        presented = credentials.credentials
        if known.operator_token_is_valid(presented):
            return
        key = known.api_key_of(presented)
        if key is not None:
            # A key reads the figures of the programmes its organisation is a member of.
            if not key.may(Scope.READ_FIGURES):
                raise ProblemError(403, "missing-scope", "This API key may not do this")
            await ensure_programme_member(services, key, request.path_params["programme_id"])
            setattr(request.state, _READER_KEY, key)
            return
    elif await session_is_open(
        services.pool, request.cookies.get(REPORTS_COOKIE, ""), services.clock()
    ):
        return
    raise ProblemError(
        401,
        "unauthorised",
        "Operator or API key authentication is required",
        "Send `Authorization: Bearer <operator token or API key>`, or sign in at /codec/login.",
        headers={"WWW-Authenticate": 'Bearer realm="twoway"'},
    )


report_router = APIRouter(
    dependencies=[Depends(require_report_reader)],
    responses={k: v for k, v in PROBLEM_RESPONSES.items() if k in (401, 404, 422, 503)},
)


@report_router.get(
    "/programmes/{programme_id}/report",
    tags=["figures"],
    response_class=HTMLResponse,
    summary="The programme report as one offline HTML page with inline SVG charts",
)
async def programme_report_page(
    request: Request,
    programme_id: ProgrammeIdPath,
    services: Services,
    min_group_size: MinGroupSizeQuery = DEFAULT_MIN_GROUP_SIZE,
    of: Annotated[
        Literal["joint", "organisation"],
        Query(
            description="`joint`: every pair of the programme; `organisation` (API keys only):"
            " the pairs with at least one person of the key's organisation."
        ),
    ] = "joint",
) -> HTMLResponse:
    await existing_programme(services, programme_id)
    only, scope = None, JOINT
    if of == "organisation":
        key: ApiKey | None = getattr(request.state, _READER_KEY, None)
        if key is None:
            raise ProblemError(
                422,
                "no-organisation",
                "Only an API key reads one organisation's figures",
                "An operator reads the joint figures (`of=joint`).",
            )
        only = await pairs_of_organisation(services.pool, programme_id, key.organisation)
        async with services.pool.acquire() as conn:
            name = (await organisation_names(conn, [key.organisation]))[key.organisation]
        scope = organisation_scope(name)
    async with services.pool.acquire() as conn:
        page = await programme_report_html(
            conn, programme_id, min_group_size, only=only, scope=scope
        )
    return HTMLResponse(
        page,
        headers={"Content-Security-Policy": REPORT_POLICY, "Cache-Control": "no-store"},
    )
