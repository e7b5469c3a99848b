"""What a participant told the coordinator between prompts: a concern added to an open case, the
reason for a pause they asked for, the reason they left.

The words are in the event store, sealed with the writer's key; they are read here with the
deployment key, for the assigned coordinator and the programme owner only (the caller checks).
Once the writer is erased, their words read as erased.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from store.database import Pool
from store.event_store import read_stream_of_types
from store.personal_data import ERASED_TEXT, Sealer, masked

NOTE_TITLES: Mapping[str, str] = {
    "concern_raised": "Raised a concern",
    "pause_requested": "Asked for a pause",
    "participant_withdrew": "Left the relationship",
}


@dataclass(frozen=True, slots=True)
class ParticipantNote:
    at: datetime
    # "mentor" or "mentee": the page names roles, as the coordinator's mails do.
    role: str
    title: str
    note: str


async def participant_notes(
    pool: Pool, sealer: Sealer | None, relationship_id: str, roles: Mapping[str, str]
) -> list[ParticipantNote]:
    """The notes participants left for the coordinator, oldest first.

    `roles` maps each participant's id to their role. Without a sealer (a deployment without a
    key) sealed words cannot be read and show as erased, never as ciphertext.
    """
    async with pool.acquire() as conn:
        events = await read_stream_of_types(conn, relationship_id, list(NOTE_TITLES))
        notes = []
        for event in events:
            data = await sealer.unseal(conn, event.data) if sealer else masked(event.data)
            note = data.get("private_note")
            if not note:
                continue
            notes.append(
                ParticipantNote(
                    at=event.occurred_at,
                    role=roles.get(str(data.get("participant_id")), ERASED_TEXT),
                    title=NOTE_TITLES[event.event_type],
                    note=str(note),
                )
            )
    return notes
