"""Right to erasure: take one person's personal data out of everything twoway can rewrite.

Order matters. Their running relationships end first (through the workflow, so the partner gets
the usual neutral notice and the read model records the end); only then are the read-model rows
deleted in one transaction, because a relationship still running would project them again. Mail
goes last: once the ``people`` row is gone the dispatcher can no longer address anything to them.

What this does not touch (the append-only event store, Temporal histories) is written down in
``docs/reliability.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from delivery.mailsink import MailStore
from domain.commands import EndRelationship
from services.errors import NotFoundError, ServiceError
from services.pairs import relationship_handle
from store.database import Connection
from store.erasure import person_digest, relationship_ids_of, scrub_person
from store.people import Person, get_person
from store.sql_files import load_sql
from twoway.logging import get_logger
from workflows.relationship import RelationshipWorkflow

log = get_logger(__name__)

# Neutral on purpose: the partner's notice says the relationship ended, not why the person left.
ERASURE_END_REASON = "participant_withdrew"
DEFAULT_END_WITHIN = timedelta(seconds=60)


class UnknownPersonError(NotFoundError):
    """Nothing in the read model ever named this person (and they were never erased)."""


class RelationshipNotEndedError(ServiceError):
    """A running relationship did not end within the bound; nothing was deleted yet."""


@dataclass(frozen=True, slots=True)
class ErasureReport:
    already_erased: bool
    relationships_ended: list[str] = field(default_factory=list)
    relationships_already_closed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    mails_deleted: int = 0

    @property
    def rows_changed(self) -> int:
        return sum(self.rows.values())


async def erase_person(
    conn: Connection,
    client: Client,
    mail_store: MailStore | None,
    person_id: str,
    *,
    end_within: timedelta = DEFAULT_END_WITHIN,
) -> ErasureReport:
    """Erase ``person_id``; safe to run again (a second run finds nothing left and says so)."""
    digest = person_digest(person_id)
    footprint = await conn.fetchrow(load_sql("select_person_footprint"), person_id, digest)
    assert footprint is not None  # a SELECT of constants always returns one row
    if not footprint["known"] and not footprint["already_erased"]:
        raise UnknownPersonError(person_id)
    relationship_ids = await relationship_ids_of(conn, person_id)
    ended, closed = await end_running_relationships(client, relationship_ids, end_within)
    person = await get_person(conn, person_id)
    mails = await _delete_mail(mail_store, person)
    async with conn.transaction():
        rows = await scrub_person(conn, person_id, relationship_ids)
        await conn.execute(load_sql("record_erasure"), digest)
    # Again after the commit: a message the dispatcher was sending meanwhile lands here too.
    mails += await _delete_mail(mail_store, person)
    log.info(
        "person_erased",
        relationships_ended=len(ended),
        rows_changed=sum(rows.values()),
        mails_deleted=mails,
    )
    return ErasureReport(
        already_erased=bool(footprint["already_erased"]) and not rows and not ended and not mails,
        relationships_ended=ended,
        relationships_already_closed=closed,
        rows=rows,
        mails_deleted=mails,
    )


async def _delete_mail(store: MailStore | None, person: Person | None) -> int:
    if store is None or person is None:
        return 0
    return await asyncio.to_thread(delete_mail_to, store, person.email)


async def end_running_relationships(
    client: Client, relationship_ids: list[str], within: timedelta
) -> tuple[list[str], int]:
    """End each running relationship with the neutral reason; wait (bounded) until it closed."""
    ended: list[str] = []
    closed = 0
    for relationship_id in relationship_ids:
        handle = relationship_handle(client, relationship_id)
        try:
            description = await handle.describe()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            closed += 1  # retention already removed it: nothing left to end
            continue
        if description.status != WorkflowExecutionStatus.RUNNING:
            closed += 1
            continue
        # A rejected update means it was already ending (a domain rule refused a second end);
        # either way the result below tells whether it closed.
        with contextlib.suppress(WorkflowUpdateFailedError):
            await handle.execute_update(
                RelationshipWorkflow.coordinator_action,
                EndRelationship(reason=ERASURE_END_REASON),
            )
        try:
            # The workflow records its last events (and the read model) before it completes.
            await asyncio.wait_for(handle.result(), within.total_seconds())
        except TimeoutError as error:
            raise RelationshipNotEndedError(relationship_id) from error
        ended.append(relationship_id)
    return ended, closed


def delete_mail_to(store: MailStore, email: str) -> int:
    """Remove every kept message addressed to ``email``: the files and their index lines.

    The index is rewritten through a temporary file and an atomic rename. A message the sink
    appends between the read and the rename would be lost from the index (its file stays): the
    local sink is a development tool, and erasure is rare.
    """
    if not store.index.exists():
        return 0
    wanted = email.strip().lower()
    kept: list[str] = []
    removed: list[dict[str, Any]] = []
    for line in store.index.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry: dict[str, Any] = json.loads(line)
        addresses = {address.lower() for _, address in getaddresses([str(entry.get("to", ""))])}
        if wanted in addresses:
            removed.append(entry)
        else:
            kept.append(line)
    if not removed:
        return 0
    _replace_index(store.index, kept)
    for entry in removed:
        (store.messages / str(entry["file"])).unlink(missing_ok=True)
    return len(removed)


def _replace_index(index: Path, lines: list[str]) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=index.parent, suffix=".part")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)
        os.replace(temporary, index)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
