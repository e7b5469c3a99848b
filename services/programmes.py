"""What the CLI and the HR API both do to a programme: create, import, match, review, read.

One place for each operation, so `twoway programme ...` and `/api/v1/programmes/...` cannot drift
apart (the same workflow id, the same reuse policy, the same roster rules).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from domain.programme import Override, Programme, Proposal
from roster.importer import CLI_IMPORT, ImportReport, import_roster, with_organisation_issues
from roster.parse import ParsedRoster, parse_bytes, parse_csv, parse_json
from services.errors import refusal_of
from store.database import Connection
from store.organisations import DEFAULT_ORGANISATION
from workflows.programme import ProgramWorkflow
from workflows.programme_io import (
    CloseProgramme,
    CloseReason,
    MatchReview,
    ProgrammeInput,
    ProgrammeOutcome,
    ProgrammeStatus,
    ReviewReceipt,
    StartMatching,
    programme_workflow_id,
)

ProgrammeHandle = WorkflowHandle[ProgramWorkflow, ProgrammeOutcome]
RosterFormat = Literal["csv", "json"]
_REFUSED = "The programme refused this request."


def programme_handle(client: Client, programme_id: str) -> ProgrammeHandle:
    return client.get_workflow_handle_for(ProgramWorkflow.run, programme_workflow_id(programme_id))


async def create_programme(
    client: Client, task_queue: str, programme: Programme, *, match_now: bool = False
) -> bool:
    """Start the programme's workflow; False when one of that id already exists (or existed).

    REJECT_DUPLICATE: a programme that has closed is not silently started again under its old
    id, so creating stays idempotent for the programme's whole life and after it.
    """
    try:
        await client.start_workflow(
            ProgramWorkflow.run,
            ProgrammeInput(programme=programme, match_immediately=match_now),
            id=programme_workflow_id(programme.programme_id),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"Mentoring programme {programme.programme_id}",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


def parse_roster(content: str | bytes, kind: RosterFormat) -> ParsedRoster:
    """Bytes as uploaded (the encoding is checked and reported per line) or text already read."""
    if isinstance(content, bytes):
        return parse_bytes(content, is_json=kind == "json")
    return parse_json(content) if kind == "json" else parse_csv(content)


def refused(parsed: ParsedRoster, *, skip_invalid: bool) -> ImportReport | None:
    """The report of a roster refused whole, or None when it may be imported."""
    if not parsed.issues or skip_invalid:
        return None
    ordered = sorted(parsed.issues, key=lambda issue: (issue.line, issue.field))
    return ImportReport(imported=False, issues=tuple(ordered))


async def enrol_roster(
    conn: Connection,
    programme_id: str,
    parsed: ParsedRoster,
    *,
    skip_invalid: bool,
    changed_by: str = CLI_IMPORT,
    organisation: str = DEFAULT_ORGANISATION,
) -> ImportReport:
    """Import the roster by and for ``organisation``; with problems and without `skip_invalid`
    nothing is written at all."""
    parsed = await with_organisation_issues(conn, parsed, organisation)
    refusal = refused(parsed, skip_invalid=skip_invalid)
    if refusal is not None:
        return refusal
    return await import_roster(
        conn,
        programme_id,
        parsed,
        skip_invalid=skip_invalid,
        changed_by=changed_by,
        organisation=organisation,
    )


async def start_matching(handle: ProgrammeHandle, request_id: str) -> ProgrammeStatus:
    """Run the matching now; a programme that cannot match now raises a RefusedError."""
    try:
        return await handle.execute_update(
            ProgramWorkflow.start_matching, StartMatching(request_id=request_id)
        )
    except WorkflowUpdateFailedError as failure:
        raise refusal_of(failure, _REFUSED) from None


async def current_proposal(handle: ProgrammeHandle) -> Proposal | None:
    return await handle.query(ProgramWorkflow.proposal)


async def review_proposal(
    handle: ProgrammeHandle,
    *,
    review_id: str,
    proposal_version: int,
    overrides: Sequence[Override],
    approve: bool,
) -> ReviewReceipt:
    """Send the coordinator's review; a stale version or a bad override raises a RefusedError
    (its code says which: the programme workflow's error types)."""
    review = MatchReview(
        review_id=review_id,
        proposal_version=proposal_version,
        overrides=list(overrides),
        approve=approve,
    )
    try:
        # By name: mypy cannot match an async update method against the typed overloads.
        receipt: ReviewReceipt = await handle.execute_update(
            "review_matches", review, result_type=ReviewReceipt
        )
    except WorkflowUpdateFailedError as failure:
        raise refusal_of(failure, _REFUSED) from None
    return receipt


async def close_programme(handle: ProgrammeHandle, *, cancel: bool) -> ProgrammeStatus:
    """Close before the end date: running terms close through their closing, the rest end."""
    reason: CloseReason = "programme_cancelled" if cancel else "programme_closed_early"
    try:
        return await handle.execute_update(
            ProgramWorkflow.close_programme, CloseProgramme(reason=reason)
        )
    except WorkflowUpdateFailedError as failure:
        raise refusal_of(failure, _REFUSED) from None


async def programme_status(handle: ProgrammeHandle) -> ProgrammeStatus:
    return await handle.query(ProgramWorkflow.status)


# A programme's definition never changes once created: each one is read from its workflow once.
_DEFINITIONS: dict[tuple[str, str], Programme] = {}
# A programme that could not be read (none of that id, a worker that does not answer) is not
# asked again for a while: pages and mails that show it do without it meanwhile.
_UNREADABLE: dict[tuple[str, str], float] = {}
_UNREADABLE_FOR_SECONDS = 300.0
_DEFINITION_TIMEOUT = timedelta(seconds=5)


async def definition_of(client: Client, programme_id: str) -> Programme | None:
    """The programme as defined (objectives, focus areas), or None when it cannot be read now.

    For what participants are shown beside their relationship: a pair started without a
    programme workflow, or one whose worker is busy, simply shows less.
    """
    key = (client.namespace, programme_id)
    if key in _DEFINITIONS:
        return _DEFINITIONS[key]
    failed_at = _UNREADABLE.get(key)
    if failed_at is not None and time.monotonic() - failed_at < _UNREADABLE_FOR_SECONDS:
        return None
    try:
        definition = await programme_handle(client, programme_id).query(
            ProgramWorkflow.definition, rpc_timeout=_DEFINITION_TIMEOUT
        )
    except (RPCError, WorkflowQueryFailedError):
        _UNREADABLE[key] = time.monotonic()
        return None
    _DEFINITIONS[key] = definition
    _UNREADABLE.pop(key, None)
    return definition
