"""The key's own organisation: the name its people read in their mail.

A key names only its own organisation (there is no id in the path to aim elsewhere).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field, StringConstraints

from store.organisations import organisation_names, set_organisation_name
from twoway.credentials import Scope
from web.api.models import ApiModel
from web.api.scoping import Key, requires
from web.services import WebServices, get_services

router = APIRouter(tags=["organisation"])
Services = Annotated[WebServices, Depends(get_services)]

OrganisationDisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=r"^[^\x00]*$"),
]


class OrganisationBody(ApiModel):
    display_name: OrganisationDisplayName = Field(
        description='How mail names the organisation to its own people ("at Acme Ltd").'
    )


class OrganisationOut(ApiModel):
    organisation: str = Field(description="The organisation's id, the one the key carries.")
    display_name: str


@router.put(
    "/organisation",
    summary="Name the key's own organisation (shown in its people's mail)",
)
async def name_organisation(
    body: OrganisationBody,
    services: Services,
    key: Annotated[Key, Depends(requires(Scope.IMPORT_ROSTERS))],
) -> OrganisationOut:
    async with services.pool.acquire() as conn:
        await set_organisation_name(conn, key.organisation, body.display_name)
    return OrganisationOut(organisation=key.organisation, display_name=body.display_name)


@router.get("/organisation", summary="The key's own organisation and its name")
async def read_organisation(services: Services, key: Key) -> OrganisationOut:
    async with services.pool.acquire() as conn:
        names = await organisation_names(conn, [key.organisation])
    return OrganisationOut(organisation=key.organisation, display_name=names[key.organisation])
