"""The people directory (names and addresses for mail) and relationship figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from store.organisations import organisations_of, set_organisation
from store.people import Person, get_person, replace_person
from twoway.credentials import Scope
from web.api.models import (
    PERSON_ID_PATTERN,
    PersonBody,
    PersonOut,
    PhaseHealthCount,
    RelationshipItem,
    RelationshipList,
)
from web.api.scoping import Key, ensure_own_person, not_found, requires
from web.problems import ProblemError
from web.reads import relationship_counts, relationships_filtered
from web.services import WebServices, get_services

router = APIRouter()
Services = Annotated[WebServices, Depends(get_services)]
PersonIdPath = Annotated[str, Path(pattern=PERSON_ID_PATTERN, description="Employee id.")]


def _out(person: Person) -> PersonOut:
    return PersonOut(
        person_id=person.person_id,
        display_name=person.display_name,
        email=person.email,
        time_zone=person.time_zone,
        working_hours_start=person.working_hours_start,
        working_hours_end=person.working_hours_end,
        working_days=list(person.working_days),
        locale=person.locale,
    )


@router.put("/people/{person_id}", tags=["people"], summary="Create or replace a directory entry")
async def put_person(
    person_id: PersonIdPath,
    body: PersonBody,
    services: Services,
    key: Annotated[Key, Depends(requires(Scope.IMPORT_ROSTERS))],
) -> PersonOut:
    person = Person(
        person_id=person_id,
        display_name=body.display_name,
        email=body.email,
        time_zone=body.time_zone,
        working_hours_start=body.working_hours_start,
        working_hours_end=body.working_hours_end,
        working_days=tuple(body.working_days),
        locale=body.locale,
    )
    async with services.pool.acquire() as conn, conn.transaction():
        # Ids are one namespace: another organisation's person is refused like a missing one
        # would be read, and is never overwritten.
        existing = (await organisations_of(conn, [person_id])).get(person_id)
        if existing is not None and existing != key.organisation:
            raise not_found("person")
        # A changed address is confirmed to the old one, naming the key that changed it.
        await replace_person(conn, person, changed_by=key.key_id)
        await set_organisation(conn, [person_id], key.organisation)
    return _out(person)


@router.get("/people/{person_id}", tags=["people"], summary="One directory entry")
async def read_person(person_id: PersonIdPath, services: Services, key: Key) -> PersonOut:
    await ensure_own_person(services, key, person_id)
    async with services.pool.acquire() as conn:
        person = await get_person(conn, person_id)
    if person is None:
        raise ProblemError(404, "not-found", "No such person", "No directory entry has this id.")
    return _out(person)


@router.get(
    "/relationships", tags=["figures"], summary="Relationships from the read model, with counts"
)
async def list_relationships(
    services: Services,
    key: Annotated[Key, Depends(requires(Scope.READ_FIGURES))],
    programme_id: Annotated[str | None, Query(pattern=PERSON_ID_PATTERN)] = None,
    employee_id: Annotated[str | None, Query(pattern=PERSON_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RelationshipList:
    # Only pairs with at least one of the key's people, counted and listed alike.
    org = key.organisation
    rows = await relationships_filtered(services.pool, programme_id, employee_id, limit, org)
    counts = await relationship_counts(services.pool, programme_id, employee_id, org)
    return RelationshipList(
        items=[
            RelationshipItem(
                relationship_id=row.relationship_id,
                programme_id=row.programme_id,
                mentor_id=row.mentor_id,
                mentee_id=row.mentee_id,
                phase=row.phase,
                mode=row.mode,
                health=row.health,
                next_due_at=row.next_due_at,
                escalation_open=row.escalation_open,
                updated_at=row.updated_at,
            )
            for row in rows
        ],
        counts=[
            PhaseHealthCount(phase=c.phase, health=c.health, relationships=c.relationships)
            for c in counts
        ],
    )
