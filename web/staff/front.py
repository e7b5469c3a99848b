"""The front door: what twoway is, and where each kind of visitor goes next."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from web.staff.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def front_door(request: Request) -> HTMLResponse:
    return page(request, "front.html.j2", {})
