"""HR events about one employee: what the HR API and `twoway hr` both do.

A leaver is recorded for the organisation whether or not they are in a pair (programme outcomes
compare the retention of enrolled people with the rest of the roster), then told to each of their
open relationships. Events travel as signals: an HR feed replays old events, and one that no
longer applies is noted by the workflow instead of being refused back to the feed.
"""

from __future__ import annotations

from datetime import date

from temporalio.client import Client

from domain.commands import RecordParticipantLeft
from domain.state import is_terminal_phase
from services.pairs import relationship_handle
from store.database import Pool
from store.leavers import record_leaver
from store.sql_files import load_sql
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import HrEvent


async def employee_left(
    pool: Pool, client: Client, person_id: str, organisation: str, left_on: date
) -> list[str]:
    """Record that ``person_id`` left ``organisation`` on ``left_on`` and end their open pairs;
    the ids of the relationships told."""
    async with pool.acquire() as conn:
        await record_leaver(conn, person_id, organisation, left_on)
    return await tell_open_relationships(
        pool, client, person_id, RecordParticipantLeft(participant_id=person_id)
    )


async def tell_open_relationships(
    pool: Pool, client: Client, person_id: str, event: HrEvent
) -> list[str]:
    """Signal ``event`` to every open relationship of ``person_id``; the ids told."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(load_sql("select_relationships_of_person"), person_id)
    told: list[str] = []
    for row in rows:
        if is_terminal_phase(row["phase"]):
            continue  # an ended relationship takes no more HR events
        await relationship_handle(client, row["relationship_id"]).signal(
            RelationshipWorkflow.hr_event, event
        )
        told.append(row["relationship_id"])
    return told
