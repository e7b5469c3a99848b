"""The inbox's front page: a person's relationships and what each is waiting on from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from domain.state import is_terminal_phase
from projections.queries import pending_prompts_for
from projections.rows import PendingPromptRow
from store.relationships import RelationshipRow
from web.reads import relationships_of_person
from web.services import WebServices


@dataclass(frozen=True)
class RelationshipListing:
    row: RelationshipRow
    role: str
    prompts: list[PendingPromptRow] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return not is_terminal_phase(self.row.phase)


@dataclass(frozen=True)
class InboxListing:
    person_id: str
    relationships: list[RelationshipListing]

    @property
    def prompt_count(self) -> int:
        return sum(len(item.prompts) for item in self.relationships)


async def inbox_listing(services: WebServices, person_id: str) -> InboxListing:
    """From the read tables: one query however many relationships the person has.

    They are updated in the transaction that records the events, so a mail's link never
    arrives before its prompt is listed; the prompt page itself asks the workflow, which has
    the last word on whether a prompt is still open.
    """
    async with services.pool.acquire() as conn:
        pending = await pending_prompts_for(conn, person_id)
    by_relationship: dict[str, list[PendingPromptRow]] = defaultdict(list)
    for prompt in pending:
        by_relationship[prompt.relationship_id].append(prompt)
    found = [
        RelationshipListing(
            row=row,
            role="mentor" if row.mentor_id == person_id else "mentee",
            prompts=by_relationship.get(row.relationship_id, []),
        )
        for row in await relationships_of_person(services.pool, person_id)
    ]
    return InboxListing(person_id=person_id, relationships=found)
