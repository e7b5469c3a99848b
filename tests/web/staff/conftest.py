"""The participants' browser and mailbox fixtures, shared with the staff workspace tests."""

from tests.web.test_browser import browser, mailbox

__all__ = ["browser", "mailbox"]
