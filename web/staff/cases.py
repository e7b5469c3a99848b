"""Escalation cases as staff read them: the open list, and one case with its pair's story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.state import Escalation, Meeting, MeetingStatus, RelationshipState
from services.errors import InvalidRequestError
from services.participant_notes import ParticipantNote, participant_notes
from services.relationship_state import relationship_state
from services.staff import AuditEntry, audit_stream, audit_trail
from starter import RelationshipHandle
from store.escalations import CaseProgress
from store.organisations import people_of_organisation
from web.services import WebServices
from web.sql_files import load_sql
from web.staff.access import NOTHING_HERE, StaffRefusedError, StaffViewer
from web.staff.organisations import narrowed

BUSY = "The service is busy or restarting. Please try again in a minute."
# What each resolution the domain knows means, and what the pair will notice of it.
RESOLUTIONS: dict[str, tuple[str, str]] = {
    "continue": (
        "Continue",
        "The pair carries on where they were; questions held back during the case are asked again.",
    ),
    "amend_contract": (
        "Amend the contract",
        "Both are asked to agree a revised contract before meetings go on.",
    ),
    "pause": (
        "Pause",
        "The pair is told the relationship is paused; reminders stop until it resumes.",
    ),
    "end_without_fault": (
        "End without fault",
        "The relationship ends early; neither person is blamed and no new match is sought.",
    ),
    "rematch": (
        "Rematch",
        "The relationship ends early and the programme looks for a new partner for both.",
    ),
}


@dataclass(frozen=True, slots=True)
class CaseSummary(CaseProgress):
    """A case in the staff's list (never its private note)."""

    def open_for(self, now: datetime) -> timedelta:
        return now - self.opened_at

    def is_late(self, now: datetime) -> bool:
        return now > self.respond_by


@dataclass(frozen=True, slots=True)
class HealthChange:
    at: datetime
    level: str
    previous_level: str | None
    reasons: list[str]


@dataclass(frozen=True)
class Case:
    escalation_key: str
    handle: RelationshipHandle
    state: RelationshipState
    escalation: Escalation
    health_history: list[HealthChange]
    audit: list[AuditEntry]

    @property
    def held(self) -> list[Meeting]:
        return [m for m in self.state.meetings if m.status == MeetingStatus.HELD]

    @property
    def missed(self) -> list[Meeting]:
        return [m for m in self.state.meetings if m.status == MeetingStatus.MISSED]


def split_key(escalation_key: str) -> tuple[str, str]:
    """``relationship_id:escalation_id``; relationship ids never contain a colon."""
    relationship_id, _, escalation_id = escalation_key.partition(":")
    if not relationship_id or not escalation_id:
        raise StaffRefusedError(404, NOTHING_HERE)
    return relationship_id, escalation_id


async def open_cases(services: WebServices, viewer: StaffViewer) -> list[CaseSummary]:
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_open_cases"), viewer.programme_filter)
    cases = [CaseSummary.from_row(row) for row in rows]
    return await narrowed(services, viewer.organisations, cases)


@dataclass(frozen=True, slots=True)
class Standing:
    """The last thing staff did on a case, so colleagues do not pick up the same one."""

    actor: str
    action: str
    at: datetime


async def case_standing(services: WebServices, cases: list[CaseSummary]) -> dict[str, Standing]:
    streams = sorted({audit_stream(case.relationship_id) for case in cases})
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_case_standing"), streams)
    return {
        f"{row['stream_id'].removeprefix('staff:')}:{row['escalation_id']}": Standing(
            actor=row["actor"], action=row["action"], at=row["occurred_at"]
        )
        for row in rows
    }


async def relationship_for_staff(
    services: WebServices, viewer: StaffViewer, relationship_id: str
) -> tuple[RelationshipHandle, RelationshipState]:
    try:
        handle, state = await relationship_state(
            services.client, services.pool, services.sealer, relationship_id
        )
    except InvalidRequestError:
        # An id no relationship can have: the same answer as an unknown one.
        raise StaffRefusedError(404, NOTHING_HERE) from None
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise StaffRefusedError(404, NOTHING_HERE) from None
        raise
    except WorkflowQueryFailedError:
        raise StaffRefusedError(503, BUSY) from None
    if not viewer.sees(state.programme_id) or not await _own_pair(services, viewer, state):
        # The same answer as an unknown id: no programme's cases leak to another's staff.
        raise StaffRefusedError(404, NOTHING_HERE)
    return handle, state


async def _own_pair(services: WebServices, viewer: StaffViewer, state: RelationshipState) -> bool:
    organisation = viewer.organisations.get(state.programme_id)
    if organisation is None:
        return True
    async with services.pool.acquire() as conn:
        mine = await people_of_organisation(conn, organisation, [state.mentor_id, state.mentee_id])
    return bool(mine)


async def read_case(services: WebServices, viewer: StaffViewer, escalation_key: str) -> Case:
    relationship_id, escalation_id = split_key(escalation_key)
    handle, state = await relationship_for_staff(services, viewer, relationship_id)
    escalation = next((e for e in state.escalations if e.escalation_id == escalation_id), None)
    if escalation is None:
        raise StaffRefusedError(404, NOTHING_HERE)
    return Case(
        escalation_key=escalation_key,
        handle=handle,
        state=state,
        escalation=escalation,
        health_history=await health_history(services, relationship_id),
        audit=await audit_trail(services.pool, relationship_id),
    )


async def health_history(services: WebServices, relationship_id: str) -> list[HealthChange]:
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(load_sql("staff_health_history"), relationship_id)
    return [
        HealthChange(
            at=row["occurred_at"],
            level=row["level"],
            previous_level=row["previous_level"],
            reasons=[str(reason.get("detail") or reason.get("code")) for reason in row["reasons"]],
        )
        for row in rows
    ]


async def notes_for_staff(
    services: WebServices, viewer: StaffViewer, state: RelationshipState
) -> list[ParticipantNote]:
    """The notes the pair's participants left for the coordinator. Their words are unsealed only
    for a viewer who may read them; anyone else learns how many there are."""
    sealer = services.sealer if viewer.reads_private_note(state) else None
    roles = {state.mentor_id: "mentor", state.mentee_id: "mentee"}
    return await participant_notes(services.pool, sealer, state.relationship_id, roles)
