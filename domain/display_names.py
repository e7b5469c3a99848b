"""What a display name may hold: it travels into mail headers (``To: Name <address>``).

A carriage return or line feed there makes every mail to that person fail (or, with a lenient
relay, adds headers), and other control characters have no business in a name. Refusing them at
the door names the roster line; accepting them would fail every later mail silently.
"""

from __future__ import annotations

import unicodedata

# Unicode line and paragraph separators and NEL end lines too, for mail clients and for logs.
_LINE_BREAKS = {"\u0085", "\u2028", "\u2029"}


def display_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a display name, or None when it can."""
    if any(char in "\r\n" or char in _LINE_BREAKS for char in name):
        return "must not contain line breaks"
    if any(unicodedata.category(char) == "Cc" for char in name):
        return "must not contain control characters"
    return None


def checked_display_name(name: str) -> str:
    """``name`` itself, or ValueError naming the rule it breaks (for pydantic validators)."""
    problem = display_name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name
