"""The texts people read (briefings, conversation guides): Markdown an owner may replace."""

from content.library import (
    Briefing,
    BriefingRole,
    ContentError,
    ContentLibrary,
    Guide,
    Text,
    briefing_role,
    load_content,
)
from content.markdown import render_markdown

__all__ = [
    "Briefing",
    "BriefingRole",
    "ContentError",
    "ContentLibrary",
    "Guide",
    "Text",
    "briefing_role",
    "load_content",
    "render_markdown",
]
