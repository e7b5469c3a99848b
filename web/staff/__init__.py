"""The coordinators' and programme owners' workspace, and the site's front door."""

from web.staff.front import router as front_router
from web.staff.pages import router as staff_router

__all__ = ["front_router", "staff_router"]
