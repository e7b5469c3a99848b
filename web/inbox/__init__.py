"""The participants' inbox, reached from the signed link in each mail."""

from web.inbox.pages import router as inbox_router

__all__ = ["inbox_router"]
