"""The conversation guide a meeting reminder carries: the programme's focus areas take turns.

The focus areas live in the programme's definition (its workflow), not in the outbox row; the
dispatcher reads them through ``focus_areas_of`` when it has a Temporal client, and mails the
general guide when it has none or the programme cannot be read (a reminder is never held back
for want of a guide).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from temporalio.client import Client

from content import ContentLibrary, Guide, load_content, render_markdown
from services.programmes import definition_of
from store.database import Connection
from store.relationships import get_relationship
from twoway.logging import get_logger

log = get_logger(__name__)

FocusAreasOf = Callable[[str], Awaitable[Sequence[str]]]
GUIDED_TEMPLATES = frozenset({"meeting_reminder"})


class MeetingGuides:
    def __init__(
        self, content: ContentLibrary | None = None, focus_areas_of: FocusAreasOf | None = None
    ) -> None:
        self.content = content or load_content()
        self._focus_areas_of = focus_areas_of

    async def guide_for(
        self, conn: Connection, relationship_id: str | None, meeting_number: int
    ) -> Guide:
        focus_areas: Sequence[str] = ()
        if self._focus_areas_of is not None and relationship_id is not None:
            relationship = await get_relationship(conn, relationship_id)
            if relationship is not None:
                focus_areas = await _focus_or_none(self._focus_areas_of, relationship.programme_id)
        return self.content.guide_for_meeting(focus_areas, meeting_number)

    async def mail_context(
        self, conn: Connection, template: str, relationship_id: str | None, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The guide's title and text for the mail templates, for the mails that carry one."""
        number = data.get("meeting_number")
        if template not in GUIDED_TEMPLATES or not isinstance(number, int):
            return {}
        guide = await self.guide_for(conn, relationship_id, number)
        return {
            "guide_title": guide.text.title,
            "guide_text": guide.text.body,
            "guide_html": render_markdown(guide.text.body),
        }


async def _focus_or_none(focus_areas_of: FocusAreasOf, programme_id: str) -> Sequence[str]:
    """The programme's focus areas; none when they cannot be read, so the reminder still goes
    out on time (with the general guide) instead of waiting for a retry."""
    try:
        return await focus_areas_of(programme_id)
    except Exception as error:  # a guide is never worth a late or lost reminder
        log.warning("guide_focus_areas_unavailable", error=type(error).__name__)
        return ()


def focus_areas_from_temporal(client_of: Callable[[], Awaitable[Client]]) -> FocusAreasOf:
    """Focus areas read from the programme's workflow; none when Temporal cannot say now."""

    async def focus_areas_of(programme_id: str) -> Sequence[str]:
        programme = await definition_of(await client_of(), programme_id)
        return programme.focus_areas if programme is not None else ()

    return focus_areas_of
