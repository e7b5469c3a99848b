"""Read models keep a person's words sealed with that person's key (crypto-shredding).

Real PostgreSQL. Events go through the same steps as `record_events` on a worker started from
settings: sealed, appended, projected with the sealer. The read tables then hold the words only
sealed, read them back with the deployment key, and read them as erased once the key is gone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.state import MutualProposal
from projections.changes import project_events
from projections.projector import load_projected, project_stream
from projections.rebuild import rebuild_read_models
from projections.stream import WORDS_IN_STATE, ProjectedStream
from store.database import Pool
from store.erasure import person_digest
from store.escalations import get_escalation
from store.event_store import append_events
from store.outbox import OutboxMessage, enqueue
from store.personal_data import ERASED_TEXT, PERSONAL_TEXT, Sealer, masked
from tests.domain.support import checkin, goal
from tests.fixtures.temporal import TEST_KEYRING
from tests.projections.builders import NamedPair, envelopes, read_tables

NOTE = "Quillon talks over me in every single meeting"
FOCUS = "generative AI at work"  # the contract text `tests.domain.support.terms` proposes
DECLINE = "Quillon once took credit for my migration plan"


def _sealer() -> Sealer:
    return Sealer(TEST_KEYRING.current_id, TEST_KEYRING.keys)


def _pair_with_a_tension_note(n: int) -> NamedPair:
    """The mentor proposed the contract and raised a tension with a note to the coordinator."""
    pair = NamedPair(n, "prog-sealed")
    pair.sign_contract()
    pair.advance_to_checkin()
    pair.answer("checkin:1:mentor", checkin(2, tension=True, note=NOTE))
    return pair


async def _record_sealed(pool: Pool, sealer: Sealer, pair: NamedPair, batch: int = 5) -> None:
    stream_id = pair.relationship_id
    for start in range(0, len(pair.events), batch):
        batch_events = envelopes(pair.events[start : start + batch], start + 1)
        async with pool.acquire() as conn, conn.transaction():
            sealed = await sealer.seal_events(conn, stream_id, batch_events)
            await append_events(conn, stream_id, sealed)
            await project_stream(conn, stream_id, sealer)


async def _tables_holding(pool: Pool, needle: str) -> list[str]:
    rows = await pool.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    found = []
    for row in rows:
        hits = await pool.fetchval(
            f'SELECT count(*) FROM "{row["table_name"]}" AS t WHERE strpos(t::text, $1) > 0',
            needle,
        )
        if hits:
            found.append(row["table_name"])
    return found


def _escalation_key(pair: NamedPair) -> str:
    return f"{pair.relationship_id}:{pair.state.escalations[0].escalation_id}"


def _words(value: Any) -> list[str]:
    """Every non-empty free-text value in a document (the fields `PERSONAL_TEXT` names)."""
    if isinstance(value, dict):
        return [
            w
            for name, item in value.items()
            for w in ([item] if name in PERSONAL_TEXT and isinstance(item, str) and item else [])
            + _words(item)
        ]
    if isinstance(value, list):
        return [w for item in value for w in _words(item)]
    return []


def test_every_word_a_folded_state_keeps_lies_in_the_parts_the_projector_seals() -> None:
    pair = _pair_with_a_tension_note(1)
    stream = project_events(None, pair.events)[0]
    # A pending proposal to go mutual carries the proposer's goals as well.
    proposal = MutualProposal(proposed_by=pair.state.mentee_id, goals=(goal(20),))
    folded = stream.relationship.model_copy(update={"mutual_proposal": proposal})
    state = stream.model_copy(update={"relationship": folded}).to_json()["relationship"]

    sealed_parts = {part: state[part] for part in WORDS_IN_STATE}
    assert {NOTE, FOCUS, "goal 20"} <= set(_words(sealed_parts))
    assert _words({k: v for k, v in state.items() if k not in WORDS_IN_STATE}) == []


async def test_read_models_hold_a_persons_words_only_sealed_and_read_them_back(
    pg_pool: Pool,
) -> None:
    sealer = _sealer()
    pair = _pair_with_a_tension_note(1)
    await _record_sealed(pg_pool, sealer, pair)

    for needle in (NOTE, FOCUS):
        assert await _tables_holding(pg_pool, needle) == [], needle
    # Ids stay in the clear in the tables the inbox and reports query by id, and only there.
    holding_the_id = await _tables_holding(pg_pool, pair.state.mentor_id)
    for sealed_table in ("events", "escalations"):
        assert sealed_table not in holding_the_id

    async with pg_pool.acquire() as conn:
        case = await get_escalation(conn, _escalation_key(pair), sealer)
        stream = await load_projected(conn, pair.relationship_id, sealer)
    assert case is not None
    assert case.private_note == NOTE
    assert stream is not None
    # Exactly the state an unsealed fold of the same events gives.
    assert stream == project_events(None, pair.events)[0]


async def test_a_rebuild_writes_the_same_sealed_read_tables_as_the_live_projector(
    pg_pool: Pool,
) -> None:
    sealer = _sealer()
    for n in (1, 2):
        await _record_sealed(pg_pool, sealer, _pair_with_a_tension_note(n), batch=3 + n)
    live = await read_tables(pg_pool)

    async with pg_pool.acquire() as conn:
        result = await rebuild_read_models(conn, sealer=sealer)

    assert result.events_sealed == 0
    assert await read_tables(pg_pool) == live


async def test_once_the_authors_key_is_gone_their_words_in_the_read_models_read_as_erased(
    pg_pool: Pool,
) -> None:
    sealer = _sealer()
    pair = _pair_with_a_tension_note(1)
    await _record_sealed(pg_pool, sealer, pair)
    mentor, mentee = pair.state.mentor_id, pair.state.mentee_id
    await pg_pool.execute("DELETE FROM person_keys WHERE person_digest = $1", person_digest(mentor))
    async with pg_pool.acquire() as conn:
        case = await get_escalation(conn, _escalation_key(pair), sealer)
        stream = await load_projected(conn, pair.relationship_id, sealer)

    assert case is not None
    assert case.private_note == ERASED_TEXT
    assert isinstance(stream, ProjectedStream)
    state = stream.relationship
    assert state.contracts[0].proposed_by == "erased"
    assert state.contracts[0].terms.focus_area == ERASED_TEXT
    assert state.contracts[0].signed_by == ("erased", mentee)
    assert state.escalations[0].private_note == ERASED_TEXT


async def test_a_sealer_for_one_transaction_reads_each_key_once_and_no_other_sealer_keeps_it(
    pg_pool: Pool,
) -> None:
    sealer = _sealer()
    pair = _pair_with_a_tension_note(2)
    await _record_sealed(pg_pool, sealer, pair)
    mentor = pair.state.mentor_id
    async with pg_pool.acquire() as conn:
        one_transaction = sealer.for_one_transaction()
        before = await load_projected(conn, pair.relationship_id, one_transaction)
        await conn.execute(
            "DELETE FROM person_keys WHERE person_digest = $1", person_digest(mentor)
        )
        # Read once, the key serves the rest of the transaction's work without another query.
        again = await load_projected(conn, pair.relationship_id, one_transaction)
        # Every other sealer reads the keys anew: the erasure shows at once.
        fresh = await load_projected(conn, pair.relationship_id, sealer.for_one_transaction())
        shared = await load_projected(conn, pair.relationship_id, sealer)

    for readable in (before, again):
        assert isinstance(readable, ProjectedStream)
        assert readable.relationship.contracts[0].terms.focus_area == FOCUS
        assert readable.relationship.contracts[0].proposed_by == mentor
    for erased in (fresh, shared):
        assert isinstance(erased, ProjectedStream)
        assert erased.relationship.contracts[0].terms.focus_area == ERASED_TEXT
        assert erased.relationship.contracts[0].proposed_by == "erased"


# Every notice that carries a participant's words to the coordinator, and how it names its author.
NOTICES_WITH_WORDS = [
    ("tension_flagged", "raised_by"),
    ("concern_raised", "raised_by"),
    ("pause_requested", "requested_by"),
    ("participant_withdrew", "withdrawn_by"),
]


@pytest.mark.parametrize(("template", "author_field"), NOTICES_WITH_WORDS)
async def test_a_coordinator_notice_keeps_a_participants_words_sealed_and_erasable(
    pg_pool: Pool, template: str, author_field: str
) -> None:
    sealer = _sealer()
    pair = _pair_with_a_tension_note(1)
    await _record_sealed(pg_pool, sealer, pair)
    rid = pair.relationship_id
    notices = [
        OutboxMessage(
            idempotency_key=f"{rid}:checkin:2:mentor:tension:coordinator",
            relationship_id=rid,
            recipient_id="coord-1",
            recipient_role="coordinator",
            template=template,
            data={"relationship_id": rid, author_field: "mentor", "private_note": NOTE},
        ),
        OutboxMessage(
            idempotency_key=f"{rid}:health:x:coordinator",
            relationship_id=rid,
            recipient_id="coord-1",
            recipient_role="coordinator",
            template="health_changed",
            data={"relationship_id": rid, "level": "amber"},
        ),
    ]
    async with pg_pool.acquire() as conn, conn.transaction():
        sealed = await sealer.seal_notices(conn, rid, notices)
        for message in sealed:
            await enqueue(conn, message)

    assert sealed[1] == notices[1]  # nothing personal in it: stored as it came
    assert await _tables_holding(pg_pool, NOTE) == []
    async with pg_pool.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT data FROM outbox WHERE idempotency_key = $1", notices[0].idempotency_key
        )
        assert (await sealer.unseal(conn, stored))["private_note"] == NOTE
        # The dispatcher holds no key: it reads the words as erased, never as a token.
        assert masked(stored)["private_note"] == ERASED_TEXT
        await conn.execute(
            "DELETE FROM person_keys WHERE person_digest = $1",
            person_digest(pair.state.mentor_id),
        )
        assert (await sealer.unseal(conn, stored))["private_note"] == ERASED_TEXT


async def test_a_rebuild_seals_the_words_older_outbox_notices_kept_in_the_clear(
    pg_pool: Pool,
) -> None:
    sealer = _sealer()
    pair = _pair_with_a_tension_note(1)
    await _record_sealed(pg_pool, sealer, pair)
    rid = pair.relationship_id
    older = [
        # As older releases queued them: the words in the clear.
        (rid, "tension_flagged", {"raised_by": "mentee", "private_note": NOTE}),
        (rid, "match_declined", {"declined_by": "mentor", "reason": DECLINE}),
        # A relationship the event store does not know: nobody's key, so the words go.
        ("rel-unknown", "match_declined", {"declined_by": "mentor", "reason": DECLINE}),
    ]
    async with pg_pool.acquire() as conn:
        for n, (relationship_id, template, data) in enumerate(older):
            await enqueue(
                conn,
                OutboxMessage(
                    idempotency_key=f"older:{n}",
                    relationship_id=relationship_id,
                    recipient_id="coord-1",
                    recipient_role="coordinator",
                    template=template,
                    data={"relationship_id": relationship_id, **data},
                    not_before=datetime.now(UTC),
                ),
            )
        first = await rebuild_read_models(conn, sealer=sealer)
        again = await rebuild_read_models(conn, sealer=sealer)
        rows = await conn.fetch("SELECT data FROM outbox ORDER BY idempotency_key")
        readable = [await sealer.unseal(conn, row["data"]) for row in rows]

    assert (first.notices_sealed, again.notices_sealed) == (3, 0)
    assert await _tables_holding(pg_pool, NOTE) == []
    assert await _tables_holding(pg_pool, DECLINE) == []
    assert [r.get("private_note") or r.get("reason") for r in readable] == [NOTE, DECLINE, None]
