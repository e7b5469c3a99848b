"""What the inbox gives a person to read: their briefing, the programme's objectives, the guide
for their next meeting and, at the end, their certificate.

The texts come from the content library loaded at start (`content/`); the programme's objectives
and focus areas from its workflow's definition, read when a page is rendered (never copied into
the relationship's state). A programme that cannot be read leaves its part out of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from content import Briefing, Guide, Text
from domain.programme import Programme
from domain.prompts import BriefingSection
from domain.state import Meeting, MeetingStatus, Phase, RelationshipState, Role
from services.programmes import definition_of
from store.people import get_person
from web.inbox.forms import AnswerForm, FieldNode, Node
from web.services import WebServices


def briefing_of(services: WebServices, state: RelationshipState, person_id: str) -> Briefing:
    role = state.role_of(person_id)
    return services.content.briefing_for(role or Role.MENTOR, state.mode)


@dataclass(frozen=True)
class BriefingPart:
    """One section of the briefing with the checkbox that acknowledges it."""

    section: BriefingSection
    text: Text
    checkbox: FieldNode


def briefing_parts(briefing: Briefing, form: AnswerForm) -> tuple[list[BriefingPart], list[Node]]:
    """The briefing's sections, each beside its own checkbox, and the form's other fields."""
    boxes = {f"read_{section.value}": section for section in BriefingSection}
    checkboxes = {
        boxes[node.name]: node
        for node in form.fields
        if isinstance(node, FieldNode) and node.name in boxes
    }
    parts = [
        BriefingPart(section=section, text=text, checkbox=checkboxes[section])
        for section, text in briefing.in_order()
        if section in checkboxes
    ]
    others = [node for node in form.fields if node.name not in boxes]
    return parts, others


async def programme_of(services: WebServices, state: RelationshipState) -> Programme | None:
    return await definition_of(services.client, state.programme_id)


@dataclass(frozen=True)
class MeetingGuide:
    meeting: Meeting
    guide: Guide


async def next_meeting_guide(
    services: WebServices, state: RelationshipState
) -> MeetingGuide | None:
    """The guide for the meeting ahead, while one is scheduled (rotating over focus areas)."""
    meeting = state.pending_meeting
    if meeting is None or meeting.status != MeetingStatus.SCHEDULED:
        return None
    programme = await programme_of(services, state)
    focus_areas = programme.focus_areas if programme is not None else ()
    guide = services.content.guide_for_meeting(focus_areas, meeting.number)
    return MeetingGuide(meeting=meeting, guide=guide)


def certificate_available(state: RelationshipState) -> bool:
    return state.phase == Phase.COMPLETED


@dataclass(frozen=True)
class Certificate:
    holder_name: str
    role: Role
    mutual: bool
    programme_name: str | None
    objectives: tuple[str, ...]
    terms: int
    meetings_held: int
    completed_at: datetime | None


async def certificate_for(
    services: WebServices, state: RelationshipState, person_id: str
) -> Certificate:
    """The person's own certificate; the caller has checked that it is theirs and available."""
    async with services.pool.acquire() as conn:
        person = await get_person(conn, person_id)
    programme = await programme_of(services, state)
    role = state.role_of(person_id) or Role.MENTOR
    return Certificate(
        holder_name=person.display_name if person is not None else "",
        role=role,
        mutual=state.mode.value == "mutual",
        programme_name=programme.name if programme is not None else None,
        objectives=programme.objectives if programme is not None else (),
        terms=state.term_number,
        meetings_held=sum(1 for m in state.meetings if m.status == MeetingStatus.HELD),
        completed_at=state.last_event_at,
    )
