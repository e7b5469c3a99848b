"""The coordinators' and programme owners' workspace, and the site's front door."""

from fastapi import APIRouter

from web.staff.api import router as staff_api_router
from web.staff.front import router as front_router
from web.staff.outcome_pages import router as outcome_router
from web.staff.pages import router as case_router
from web.staff.pair_pages import router as pair_router
from web.staff.review_pages import router as review_router

staff_router = APIRouter()
staff_router.include_router(case_router)
staff_router.include_router(review_router)
staff_router.include_router(pair_router)
staff_router.include_router(outcome_router)
staff_router.include_router(staff_api_router)

__all__ = ["front_router", "staff_router"]
