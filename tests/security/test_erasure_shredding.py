"""Threat: a person who was erased stays readable: in the event store, in the coordinator's
queued notices, in a rebuilt read model, or through the link in their last e-mail.

Real stack (dev server, worker sealing with the deployment key, PostgreSQL, the web app). The
erased mentor wrote words the store keeps (briefing hopes, a check-in note to the coordinator);
after `erase_person`, no table and no file of the mail sink holds their words or their id in the
clear, a rebuild shows them as erased, and their link opens nothing. The partner's own words
stay readable with the deployment key.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import asyncpg
import httpx
from temporalio.client import Client

from delivery.links import LinkSigner
from delivery.mailsink import MailStore
from domain.commands import AnswerPrompt
from domain.prompts import (
    Answer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    OnboardingAnswer,
)
from projections.rebuild import rebuild_read_models
from services.erasure import erase_person
from services.pairs import relationship_handle
from starter import PairRequest, start_relationship
from store.database import Pool
from store.erasure import person_digest
from store.people import Person, upsert_person
from store.personal_data import Sealer
from tests.domain.support import checkin, terms
from tests.fixtures.temporal import TEST_KEYRING
from tests.projections.builders import NamedPair, record
from tests.security.privacy_support import checkin_soon_policy
from tests.web.conftest import (  # noqa: F401  (fixtures of the real web stack)
    client,
    link_signer,
    wait_for,
    web_database_url,
    web_pool,
    web_settings,
    web_stack,
)
from tests.web.stack import ThreadedStack
from twoway.converter import sealer_from_settings
from twoway.settings import Settings
from workflows.relationship import RelationshipWorkflow

CHECKIN_SOON = checkin_soon_policy(timedelta(seconds=3))
HOPES = "Teach Grandmaster Quillon's spreadsheet tricks"
NOTE = "Quillon keeps belittling my ideas in front of others"
PARTNER_HOPES = "Learn about Zephyrine's onboarding journey"
FOCUS = "How Quillon can stop dismissing the night shift"
DECLINE = "Quillon once took the credit for my migration plan"
SEALED_TOKEN = re.compile(r"sealed:v1:[it]:[0-9a-f]{64}:[A-Za-z0-9_-]+")


def _person(role: str) -> Person:
    tag = uuid.uuid4().hex[:8]
    return Person(
        person_id=f"emp-{role}-{tag}",
        display_name=f"Shreddable {role.title()} {tag}",
        email=f"{role}-{tag}@example.test",
    )


async def _answer(
    temporal: Client, relationship_id: str, prompt_id: str, person: str, given: Answer
) -> None:
    await relationship_handle(temporal, relationship_id).execute_update(
        RelationshipWorkflow.answer_prompt,
        AnswerPrompt(
            answer_id=f"test-{uuid.uuid4().hex}",
            prompt_id=prompt_id,
            respondent_id=person,
            answer=given,
        ),
    )


def _briefed(hopes_to_teach: str = "", hopes_to_learn: str = "") -> OnboardingAnswer:
    return OnboardingAnswer(
        understands_roles=True,
        understands_responsibilities=True,
        commits_to_rapport=True,
        accepts_confidentiality=True,
        hopes_to_teach=hopes_to_teach,
        hopes_to_learn=hopes_to_learn,
    )


async def _pair_where_the_mentor_wrote(
    temporal: Client,
    pool: Pool,
    task_queue: str,
    mentor: Person,
    mentee: Person,
    *,
    hopes: str = HOPES,
    note: str = NOTE,
    focus_area: str | None = None,
) -> str:
    request = _pair_request(mentor, mentee)
    rid = (await start_relationship(temporal, request, task_queue=task_queue)).id
    for role, person in (("mentor", mentor), ("mentee", mentee)):
        await _answer(
            temporal, rid, f"consent:{role}", person.person_id, ConsentAnswer(decision="accept")
        )
    await _answer(temporal, rid, "onboarding:mentor", mentor.person_id, _briefed(hopes))
    await _answer(
        temporal, rid, "onboarding:mentee", mentee.person_id, _briefed(hopes_to_learn=PARTNER_HOPES)
    )
    agreed = terms(datetime.now(UTC), cadence=timedelta(days=1), term=timedelta(days=30))
    if focus_area is not None:
        agreed = agreed.model_copy(update={"focus_area": focus_area})
    await _answer(
        temporal,
        rid,
        "contract:v1:propose:mentor",
        mentor.person_id,
        ContractProposalAnswer(terms=agreed),
    )
    await _answer(
        temporal,
        rid,
        "contract:v1:review:mentee",
        mentee.person_id,
        ContractReviewAnswer(decision="accept"),
    )

    async def checkin_open() -> bool:
        found = await pool.fetchval(
            "SELECT 1 FROM pending_prompts WHERE relationship_id = $1 AND prompt_id = $2",
            rid,
            "checkin:1:mentor",
        )
        return found is not None

    await wait_for(checkin_open, within=60, what="the mentor's first check-in")
    await _answer(
        temporal, rid, "checkin:1:mentor", mentor.person_id, checkin(2, tension=True, note=note)
    )

    async def escalated() -> bool:
        found = await pool.fetchval("SELECT 1 FROM escalations WHERE relationship_id = $1", rid)
        return found is not None

    await wait_for(escalated, within=30, what="the coordinator's case")
    return rid


def _pair_request(mentor: Person, mentee: Person) -> PairRequest:
    return PairRequest(
        programme_id=f"p{uuid.uuid4().hex[:10]}",
        mentor_id=mentor.person_id,
        mentee_id=mentee.person_id,
        coordinator_id="coord-1",
        owner_id="owner-1",
        policy=CHECKIN_SOON,
    )


async def _match_the_mentor_declined(
    temporal: Client, pool: Pool, task_queue: str, mentor: Person, mentee: Person, reason: str
) -> str:
    """A second match, declined by the mentor with a reason: the coordinator's notice keeps it."""
    request = _pair_request(mentor, mentee)
    rid = (await start_relationship(temporal, request, task_queue=task_queue)).id
    await _answer(
        temporal,
        rid,
        "consent:mentor",
        mentor.person_id,
        ConsentAnswer(decision="decline", reason=reason),
    )

    async def noticed() -> bool:
        found = await pool.fetchval(
            "SELECT 1 FROM outbox WHERE relationship_id = $1 AND template = 'match_declined'", rid
        )
        return found is not None

    await wait_for(noticed, within=30, what="the coordinator's notice of the decline")
    return rid


async def _tables_holding(pool: Pool, needle: str) -> list[str]:
    """Every table of the database whose rows, as text, contain `needle`."""
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    holding = []
    for row in tables:
        name = row["table_name"]
        hits = await pool.fetchval(
            f'SELECT count(*) FROM "{name}" AS t WHERE strpos(t::text, $1) > 0', needle
        )
        if hits:
            holding.append(name)
    return holding


def _mail_files_holding(store: MailStore, needle: str) -> list[str]:
    files = [store.index, *store.messages.iterdir()] if store.root.exists() else []
    return [f.name for f in files if f.exists() and needle.encode() in f.read_bytes()]


def _mail_to(person: Person, body: str) -> bytes:
    message = EmailMessage()
    message["Message-ID"] = f"<{uuid.uuid4().hex}@twoway.test>"
    message["From"] = "twoway <twoway@localhost>"
    message["To"] = formataddr((person.display_name, person.email))
    message["Subject"] = "Your check-in"
    message.set_content(body)
    return bytes(message)


async def test_after_erasure_no_table_and_no_mail_holds_the_persons_words_or_id(
    web_stack: ThreadedStack,  # noqa: F811
    web_pool: Pool,  # noqa: F811
    client: Client,  # noqa: F811
    link_signer: LinkSigner,  # noqa: F811
    web_settings: Settings,  # noqa: F811
    tmp_path: Path,
) -> None:
    mentor, mentee = _person("mentor"), _person("mentee")
    for person in (mentor, mentee):
        async with web_pool.acquire() as conn:
            await upsert_person(conn, person)
    rid = await _pair_where_the_mentor_wrote(
        client, web_pool, web_stack.settings.task_queue, mentor, mentee
    )
    mail = MailStore(tmp_path / "mail")
    mail.save(_mail_to(mentor, f"Hello {mentor.display_name}, your link for {mentor.person_id}"))
    mail.save(_mail_to(mentee, "Hello, your partner answered"))
    token = link_signer.make(mentor.person_id, datetime.now(UTC))
    async with httpx.AsyncClient(base_url=web_stack.base_url) as browser:
        assert (await browser.get(f"/inbox/{token}/relationships/{rid}")).status_code == 200

        async with web_pool.acquire() as conn:
            await erase_person(conn, client, mail, mentor.person_id)

        for needle in (mentor.person_id, HOPES, NOTE, mentor.email):
            assert await _tables_holding(web_pool, needle) == [], f"{needle!r} is still readable"
            assert _mail_files_holding(mail, needle) == [], f"{needle!r} is still in the mail sink"

        # Their last e-mail's link opens nothing any more.
        for path in (f"/inbox/{token}", f"/inbox/{token}/relationships/{rid}"):
            refused = await browser.get(path)
            assert refused.status_code == 403
            assert "no longer works" in refused.text

    # A rebuild with the deployment key reads the erased values as erased, and still nothing else.
    sealer = sealer_from_settings(web_settings)
    async with web_pool.acquire() as conn:
        await rebuild_read_models(conn, sealer=sealer)
        mentor_after = await conn.fetchval(
            "SELECT mentor_id FROM relationships WHERE relationship_id = $1", rid
        )
        stored = await conn.fetch("SELECT data FROM events WHERE stream_id = $1", rid)
        readable = await sealer.unseal_all(conn, [row["data"] for row in stored])
    assert mentor_after == "erased"
    for needle in (mentor.person_id, HOPES, NOTE):
        assert await _tables_holding(web_pool, needle) == []
        assert needle not in str(readable)
    # The partner's own words and id are still there for whoever holds the deployment key.
    assert PARTNER_HOPES in str(readable)
    assert mentee.person_id in str(readable)
    assert "[erased]" in str(readable)


async def test_personal_values_in_the_event_store_are_never_stored_in_the_clear(
    web_stack: ThreadedStack,  # noqa: F811
    web_pool: Pool,  # noqa: F811
    client: Client,  # noqa: F811
) -> None:
    mentor, mentee = _person("mentor"), _person("mentee")
    rid = await _pair_where_the_mentor_wrote(
        client, web_pool, web_stack.settings.task_queue, mentor, mentee
    )
    stored = await web_pool.fetch("SELECT data::text AS data FROM events WHERE stream_id = $1", rid)
    assert stored
    for needle in (mentor.person_id, mentee.person_id, HOPES, NOTE, PARTNER_HOPES):
        assert not any(needle in row["data"] for row in stored), f"{needle!r} stored in the clear"


async def test_a_rebuild_seals_events_stored_before_sealing_and_shreds_people_erased_earlier(
    pg_pool: Pool,
) -> None:
    pair = NamedPair(1, "prog-before-sealing")
    pair.run_to_completion()
    await record(pg_pool, pair.relationship_id, pair.events, 1)  # plain, as older releases did
    mentor, mentee = pair.state.mentor_id, pair.state.mentee_id
    # Erased by an older release: read model scrubbed, events left as they were.
    await pg_pool.execute("INSERT INTO erasures (person_digest) VALUES ($1)", person_digest(mentor))
    assert await _tables_holding(pg_pool, mentor) != []

    sealer = Sealer(TEST_KEYRING.current_id, TEST_KEYRING.keys)
    async with pg_pool.acquire() as conn:
        first = await rebuild_read_models(conn, sealer=sealer)
        again = await rebuild_read_models(conn, sealer=sealer)
        stored = await conn.fetch(
            "SELECT data FROM events WHERE stream_id = $1", pair.relationship_id
        )
        readable = await sealer.unseal_all(conn, [row["data"] for row in stored])

    assert first.events_sealed > 0
    assert again.events_sealed == 0
    assert await _tables_holding(pg_pool, mentor) == []
    assert "events" not in await _tables_holding(pg_pool, mentee)
    assert mentee in str(readable)
    assert mentor not in str(readable)


@dataclass(frozen=True)
class _Backup:
    """A copy of the database as a backup holds it: every row of every table, as text, and the
    event store's rows to restore from. `person_keys` is left out, as the backup procedure of
    docs/security.md says (the keys are backed up apart, and never kept past an erasure)."""

    text: str
    events: list[asyncpg.Record]


async def _backup(pool: Pool) -> _Backup:
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " AND table_type = 'BASE TABLE' AND table_name <> 'person_keys' ORDER BY table_name"
    )
    rows: list[str] = []
    for table in tables:
        name = table["table_name"]
        rows += [r["row"] for r in await pool.fetch(f'SELECT t::text AS row FROM "{name}" AS t')]
    events = await pool.fetch("SELECT * FROM events ORDER BY global_position")
    return _Backup(text="\n".join(rows), events=list(events))


async def _readable(pool: Pool, sealer: Sealer, text: str) -> str:
    """Every sealed value of `text` unsealed with the keys the database holds now."""
    tokens = sorted(set(SEALED_TOKEN.findall(text)))
    async with pool.acquire() as conn:
        values = await sealer.unseal_all(conn, [{"value": token} for token in tokens])
    return "\n".join(str(v["value"]) for v in values)


async def _restore(backup: _Backup, live: Pool, restored: Pool) -> None:
    """The backup's event store into an empty database, with the keys of the live one."""
    columns = list(backup.events[0].keys())
    placeholders = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    keys = await live.fetch("SELECT person_digest, wrapping_key_id, wrapped_key FROM person_keys")
    async with restored.acquire() as conn, conn.transaction():
        await conn.executemany(
            f"INSERT INTO events ({', '.join(columns)}) VALUES ({placeholders})",
            [tuple(r.values()) for r in backup.events],
        )
        await conn.executemany(
            "INSERT INTO person_keys (person_digest, wrapping_key_id, wrapped_key)"
            " VALUES ($1, $2, $3)",
            [tuple(k.values()) for k in keys],
        )


async def test_a_backup_taken_before_erasure_cannot_be_read_once_the_person_is_erased(
    web_stack: ThreadedStack,  # noqa: F811
    web_pool: Pool,  # noqa: F811
    client: Client,  # noqa: F811
    web_settings: Settings,  # noqa: F811
    pg_pool: Pool,
) -> None:
    mentor, mentee = _person("mentor"), _person("mentee")
    for person in (mentor, mentee):
        async with web_pool.acquire() as conn:
            await upsert_person(conn, person)
    queue = web_stack.settings.task_queue
    # Words of this test only: the other tests of the module share the database.
    tag = mentor.person_id
    words = (f"{HOPES} ({tag})", f"{NOTE} ({tag})", f"{FOCUS} ({tag})", f"{DECLINE} ({tag})")
    worked = await _pair_where_the_mentor_wrote(
        client, web_pool, queue, mentor, mentee, hopes=words[0], note=words[1], focus_area=words[2]
    )
    declined = await _match_the_mentor_declined(client, web_pool, queue, mentor, mentee, words[3])
    sealer = sealer_from_settings(web_settings)

    backup = await _backup(web_pool)

    # The backup never held the words in the clear: events, read models (the folded states,
    # the case's note) and the coordinator's notice of the decline hold them sealed ...
    for word in words:
        assert word not in backup.text, f"{word!r} is in the backup in the clear"
    # ... and readable with the keys, as long as the person is not erased.
    before = await _readable(web_pool, sealer, backup.text)
    assert all(word in before for word in words)

    async with web_pool.acquire() as conn:
        await erase_person(conn, client, None, mentor.person_id)

    # With the database after erasure, the backup's sealed values of the person read as erased.
    after = await _readable(web_pool, sealer, backup.text)
    for word in words:
        assert word not in after, f"{word!r} can still be read from the backup"
    assert "[erased]" in after
    assert PARTNER_HOPES in after  # the partner's words are unharmed

    # Restored into an empty database and rebuilt, the backup shows the person as erased.
    await _restore(backup, web_pool, pg_pool)
    async with pg_pool.acquire() as conn:
        await rebuild_read_models(conn, sealer=sealer)
        pairs = await conn.fetch(
            "SELECT mentor_id, mentee_id FROM relationships WHERE relationship_id = ANY($1)",
            [worked, declined],
        )
        stored_state = await conn.fetchval(
            "SELECT state FROM relationship_projection_state WHERE relationship_id = $1", worked
        )
        state = await sealer.unseal(conn, stored_state)
    assert sorted(tuple(p) for p in pairs) == [("erased", mentee.person_id)] * 2
    assert state["relationship"]["contracts"][0]["terms"]["focus_area"] == "[erased]"
    for needle in (*words, mentor.person_id):
        assert await _tables_holding(pg_pool, needle) == [], f"{needle!r} came back"
