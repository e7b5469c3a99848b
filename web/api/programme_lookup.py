"""Finding a programme's workflow, with problems that say "programme", not "relationship"."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from temporalio.client import WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from services import programmes
from services.programmes import ProgrammeHandle
from web.problems import ProblemError
from web.services import WebServices

# The programme id as created (see `ProgrammeId`); a longer id can never name a programme.
PROGRAMME_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$"
ProgrammeIdPath = Annotated[
    str, Path(pattern=PROGRAMME_ID_PATTERN, description="As given when the programme was created.")
]


async def existing_programme(
    services: WebServices, programme_id: str
) -> tuple[ProgrammeHandle, WorkflowExecutionDescription]:
    handle = programmes.programme_handle(services.client, programme_id)
    try:
        description = await handle.describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise ProblemError(
                404, "not-found", "No such programme", "No programme has this id."
            ) from None
        raise
    return handle, description


async def running_programme(services: WebServices, programme_id: str) -> ProgrammeHandle:
    """The handle of a programme that can still take updates; a closed one is a 409."""
    handle, description = await existing_programme(services, programme_id)
    if description.status != WorkflowExecutionStatus.RUNNING:
        raise ProblemError(
            409,
            "programme-closed",
            "The programme has closed",
            "A closed programme takes no more matching runs or reviews.",
        )
    return handle
