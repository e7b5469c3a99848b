"""Applies projected changes to the read tables (one `executemany` per table).

Escalation cases are the exception: they are few, and each change is applied on its own so the
caller learns which cases opened or climbed (the live projector announces those).

With a `Sealer`, the text a person wrote is stored sealed with their key (crypto-shredding): the
parts of each stream's folded state that hold words (`WORDS_IN_STATE`: contract and goal texts,
tension notes, with who wrote them) and a case's private note. The other tables hold ids, codes,
dates and scores only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, assert_never

from projections.changes import Changes
from projections.rows import params
from projections.stream import WORDS_IN_STATE, ProjectedStream
from store import escalations
from store.database import Connection
from store.escalations import (
    EscalationChange,
    EscalationRow,
    NewEscalation,
    OverdueChange,
    Resolution,
)
from store.personal_data import PersonKeys, Sealer, seal_record, sealed_text
from store.sql_files import load_sql


@dataclass(slots=True)
class EscalationNews:
    """Cases this write opened, and cases it moved overdue (as they now stand)."""

    opened: list[NewEscalation] = field(default_factory=list)
    overdue: list[EscalationRow] = field(default_factory=list)


async def write_changes(
    conn: Connection,
    projected: Sequence[tuple[ProjectedStream, Changes]],
    sealer: Sealer | None = None,
) -> EscalationNews:
    """Write the changes of one or more streams; the caller owns the transaction."""
    news = EscalationNews()
    if not projected:
        return news
    keys = await _keys(conn, projected, sealer)
    changes = [c for _, c in projected]
    await _many(conn, "project_relationship", [params(c.relationship) for c in changes])
    await _many(conn, "upsert_meeting", [params(m) for c in changes for m in c.meetings])
    # Closed and opened keys come from one before/after diff, so they never overlap.
    await _many(conn, "delete_pending_prompt", [key for c in changes for key in c.prompts_closed])
    await _many(
        conn, "upsert_pending_prompt", [params(p) for c in changes for p in c.prompts_opened]
    )
    await _many(
        conn, "upsert_checkin_answer", [params(a) for c in changes for a in c.checkin_answers]
    )
    await _many(
        conn, "upsert_closing_reflection", [params(r) for c in changes for r in c.reflections]
    )
    await _many(
        conn,
        "upsert_projection_state",
        [
            (s.relationship.relationship_id, s.version, _stored_state(s, sealer, keys))
            for s, _ in projected
        ],
    )
    for change in (e for c in changes for e in c.escalations):
        await _apply_escalation(conn, _sealed_case(change, sealer, keys), news)
    return news


async def _keys(
    conn: Connection, projected: Sequence[tuple[ProjectedStream, Changes]], sealer: Sealer | None
) -> PersonKeys:
    """The keys of every person of these streams, fetched once for the whole batch."""
    if sealer is None:
        return {}
    people = {p for s, _ in projected for p in s.relationship.participants}
    return await sealer.keys_of(conn, people)


def _stored_state(stream: ProjectedStream, sealer: Sealer | None, keys: PersonKeys) -> Any:
    state = stream.to_json()
    if sealer is not None:
        relationship = state["relationship"]
        words = {part: relationship[part] for part in WORDS_IN_STATE}
        relationship.update(seal_record(words, keys))
    return state


def _sealed_case(
    change: EscalationChange, sealer: Sealer | None, keys: PersonKeys
) -> EscalationChange:
    if sealer is None or not isinstance(change, NewEscalation) or change.private_note is None:
        return change
    author = keys.get(change.author_id or "")
    if author is None:
        # Not one of the pair's words (a coordinator's own note, kept alike in the event store),
        # or an erased author's, which already reads as erased.
        return change
    return replace(change, private_note=sealed_text(change.private_note, author))


async def _apply_escalation(
    conn: Connection, change: EscalationChange, news: EscalationNews
) -> None:
    # Each statement is idempotent (a case opens once, climbs only upwards, resolves once), so
    # cases an earlier release wrote through their own activities are met, not doubled.
    match change:
        case NewEscalation():
            if await escalations.open_escalation(conn, change):
                news.opened.append(change)
        case OverdueChange():
            case = await escalations.mark_overdue(conn, change)
            if case is not None:
                news.overdue.append(case)
        case Resolution():
            await escalations.resolve(
                conn, change.escalation_key, change.resolution, change.resolved_at
            )
        case _:
            assert_never(change)


async def _many(conn: Connection, statement: str, rows: Sequence[tuple[object, ...]]) -> None:
    if rows:
        await conn.executemany(load_sql(statement), rows)
