"""The HR REST API (``/api/v1``): programmes, pairs, people, HR events and figures."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.api.auth import require_api_key
from web.api.hr_events import router as hr_events_router
from web.api.organisations import router as organisations_router
from web.api.pairs import router as pairs_router
from web.api.people import router as people_router
from web.api.programmes import router as programmes_router
from web.problems import PROBLEM_RESPONSES

api_router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(require_api_key)], responses=PROBLEM_RESPONSES
)
api_router.include_router(pairs_router)
api_router.include_router(people_router)
api_router.include_router(hr_events_router)
api_router.include_router(programmes_router)
api_router.include_router(organisations_router)
