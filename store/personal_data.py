"""Crypto-shredding of personal values in the event store.

Each person has a data key (`person_keys`, wrapped by the deployment key). Before events are
appended, every personal value in them is sealed with the key of the person it belongs to:

- a participant's id, wherever it appears (`mentor_id`, `respondent_id`, a prompt's recipient...);
- the words a participant wrote (`PERSONAL_TEXT` fields of an event they authored: check-in notes,
  meeting logs, reflections, a decline reason, contract and goal texts they proposed).

The read models that keep a person's words are sealed the same way when they are written: the
parts of the projector's folded state that hold words (`seal_record`: contract and goal texts, a
tension note, and who wrote them), the escalation case's private note (`sealed_text`), and
coordinator notices in the outbox that carry a participant's words (`seal_notices`: a tension
note, a decline reason).

Readers unseal with the same keys. Erasure deletes the person's key (`store.erasure`): from then
on their values read as `ERASED_ID` / `ERASED_TEXT`, in the live store, in any backup of it, and
in every read model rebuilt from it, without rewriting the append-only table.

Sealing is deterministic (the nonce is derived from the key and the value, as in AES-SIV): a
retried append seals to the same bytes, so the event store still recognises a replayed batch.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store.database import Connection
from store.erasure import ERASED_MARKER, person_digest
from store.event_store import NewEvent
from store.outbox import OutboxMessage

SEALED = "sealed:v1:"
ERASED_ID = ERASED_MARKER
ERASED_TEXT = "[erased]"
# Free text a participant writes; sealed with the key of the event's author.
PERSONAL_TEXT = frozenset(
    {
        "private_note",
        "learned",
        "taught",
        "hopes_to_teach",
        "hopes_to_learn",
        "description",
        "success_measure",
        "focus_area",
        "confidentiality_terms",
    }
)
# `reason` is free text only where a person gives one; elsewhere it is a machine code.
PERSONAL_TEXT_OF_TYPE = {"match_declined": frozenset({"reason"})}
# The fields that name an event's author, in the order they are looked for.
AUTHOR_FIELDS = (
    "respondent_id",
    "participant_id",
    "proposed_by",
    "raised_by",
    "requested_by",
    "declined_by",
    "consented_by",
)
# Outbox notices that carry a participant's words: the fields, and the data field that names the
# author by role (the notice itself says "mentor" or "mentee", never an id).
NOTICE_TEXT = frozenset({"private_note"})
NOTICE_TEXT_OF_TEMPLATE = {"match_declined": frozenset({"reason"})}
NOTICE_AUTHOR_ROLE_FIELDS = ("raised_by", "declined_by", "requested_by", "withdrawn_by")
_PROPOSAL = "relationship_proposed"
_KEY_SQL = (
    "SELECT person_digest, wrapping_key_id, wrapped_key FROM person_keys"
    " WHERE person_digest = ANY($1::text[])"
)
_NOTICES_SQL = (
    "SELECT id, relationship_id, template, data FROM outbox"
    " WHERE data ?| $1::text[] ORDER BY relationship_id, id"
)
_RESEAL_NOTICE_SQL = "UPDATE outbox SET data = $2 WHERE id = $1"
_STREAMS_SQL = "SELECT DISTINCT stream_id FROM events ORDER BY stream_id"
_STREAM_SQL = (
    "SELECT stream_version, event_type, occurred_at, data FROM events"
    " WHERE stream_id = $1 ORDER BY stream_version"
)
_RESEAL_SQL = "UPDATE events SET data = $3 WHERE stream_id = $1 AND stream_version = $2"
_NONCE = 12


class PersonalDataError(RuntimeError):
    """A person's key exists but cannot be unwrapped: the deployment key is not the one it was
    wrapped with. Refusing is safer than reading the values as erased."""


@dataclass(frozen=True)
class PersonKey:
    """One person's unwrapped data key; lives in memory for one transaction's work."""

    digest: str
    cipher: AESGCM
    raw: bytes = field(repr=False)
    # Tokens sealed or opened with this key, both ways: a batch names the same people many
    # times, and sealing is deterministic. Lives as long as this object (one piece of work), so
    # nothing readable outlives a deleted key.
    memo: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


# The keys of the people a record names, by person id; an erased person has none.
PersonKeys = Mapping[str, PersonKey]


class Sealer:
    """Seals and unseals personal values with per-person keys wrapped by the deployment key."""

    def __init__(self, current_id: str, keys: Mapping[str, bytes]) -> None:
        self._current_id = current_id
        self._wrappers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        # Keys read so far (None: the person has none), kept only by `for_one_transaction`.
        self._read: dict[str, PersonKey | None] | None = None

    def for_one_transaction(self) -> Sealer:
        """This sealer, remembering every key it reads, for the work of one transaction.

        Recording an answer seals its events, then unseals the stored projection and writes it
        sealed again: without this, each step would read the pair's two keys anew (five queries
        where one does). Dropped with the transaction, so no key outlives it; an erasure that
        commits meanwhile leaves this transaction's values sealed with the key it deleted,
        which reads as erased.
        """
        remembering = copy.copy(self)
        remembering._read = {}
        return remembering

    # -- keys ---------------------------------------------------------------------------------

    async def _key(self, conn: Connection, digest: str, *, create: bool) -> PersonKey | None:
        remembered = None if self._read is None else self._read.get(digest)
        if remembered is not None:
            return remembered
        key = await self._stored_key(conn, digest, create=create)
        if self._read is not None:
            self._read[digest] = key
        return key

    async def _stored_key(self, conn: Connection, digest: str, *, create: bool) -> PersonKey | None:
        row = await conn.fetchrow(
            "SELECT wrapping_key_id, wrapped_key FROM person_keys WHERE person_digest = $1",
            digest,
        )
        if row is None and create:
            await conn.execute(
                "INSERT INTO person_keys (person_digest, wrapping_key_id, wrapped_key)"
                " VALUES ($1, $2, $3) ON CONFLICT (person_digest) DO NOTHING",
                digest,
                self._current_id,
                self._wrap(digest, AESGCM.generate_key(bit_length=256)),
            )
            return await self._stored_key(conn, digest, create=False)
        if row is None:
            return None
        return self._loaded(digest, row["wrapping_key_id"], bytes(row["wrapped_key"]))

    def _loaded(self, digest: str, key_id: str, wrapped: bytes) -> PersonKey:
        raw = self._unwrap(digest, key_id, wrapped)
        return PersonKey(digest, AESGCM(raw), raw)

    async def keys_of(self, conn: Connection, people: Iterable[str]) -> dict[str, PersonKey]:
        """The existing keys of `people`, by person id, in one query (erased people have none)."""
        by_digest = {person_digest(p): p for p in people if p != ERASED_ID}
        found = await self._keys_by_digest(conn, by_digest)
        return {by_digest[digest]: key for digest, key in found.items()}

    async def _keys_by_digest(
        self, conn: Connection, digests: Iterable[str]
    ) -> dict[str, PersonKey]:
        read = {} if self._read is None else self._read
        wanted = set(digests)
        missing = sorted(wanted - read.keys())
        found: dict[str, PersonKey | None] = dict.fromkeys(missing)
        if missing:
            for r in await conn.fetch(_KEY_SQL, missing):
                found[r["person_digest"]] = self._loaded(
                    r["person_digest"], r["wrapping_key_id"], bytes(r["wrapped_key"])
                )
        if self._read is not None:
            self._read.update(found)
        keys = {d: read[d] for d in wanted & read.keys()} | found
        return {digest: key for digest, key in keys.items() if key is not None}

    def _wrap(self, digest: str, raw: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._wrappers[self._current_id].encrypt(nonce, raw, digest.encode())

    def _unwrap(self, digest: str, key_id: str, wrapped: bytes) -> bytes:
        wrapper = self._wrappers.get(key_id)
        if wrapper is None:
            raise PersonalDataError(f"a person key is wrapped by unknown key id {key_id!r}")
        try:
            return wrapper.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], digest.encode())
        except InvalidTag as error:
            raise PersonalDataError(
                "a person key does not unwrap with the deployment key"
            ) from error

    # -- events -------------------------------------------------------------------------------

    async def seal_events(
        self, conn: Connection, stream_id: str, events: Sequence[NewEvent]
    ) -> list[NewEvent]:
        """`events` with every personal value sealed; the stream's two people get keys."""
        people = await self._participants(conn, stream_id, events)
        keys = {pid: await self._key(conn, person_digest(pid), create=True) for pid in people}
        known = {pid: key for pid, key in keys.items() if key is not None}
        return [replace(e, data=_seal_event(e.data, known)) for e in events]

    async def unseal(self, conn: Connection, data: dict[str, Any]) -> dict[str, Any]:
        """One stored event's data with its personal values readable (or marked erased)."""
        keys = await self._keys_by_digest(conn, set(_sealed_digests(data)))
        unsealed: dict[str, Any] = _unseal(data, keys)
        return unsealed

    async def unseal_all(
        self, conn: Connection, datas: Iterable[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Many stored documents readable; the keys they need are fetched in one query."""
        documents = list(datas)
        digests = {d for data in documents for d in _sealed_digests(data)}
        keys = await self._keys_by_digest(conn, digests)
        return [_unseal(data, keys) for data in documents]

    async def seal_stored_events(self, conn: Connection) -> int:
        """One-off for a store written before sealing: seal its plain personal values in place.

        The only rewrite the append-only table ever gets (its guard trigger is lifted for this
        transaction): values already sealed stay as they are, so running it again changes
        nothing. People erased before sealing existed get a key that is deleted at once, so
        their values end up unreadable like everyone else's. Returns how many events changed.
        """
        updates: list[tuple[str, int, dict[str, Any]]] = []
        for stream_id in [r["stream_id"] for r in await conn.fetch(_STREAMS_SQL)]:
            rows = await conn.fetch(_STREAM_SQL, stream_id)
            plain = [
                NewEvent(r["stream_version"], r["event_type"], 0, r["occurred_at"], r["data"])
                for r in rows
            ]
            for before, after in zip(
                plain, await self.seal_events(conn, stream_id, plain), strict=True
            ):
                if after.data != before.data:
                    updates.append((stream_id, before.stream_version, after.data))
        if updates:
            # Only the schema owner may lift the guard: a store with older events is sealed by a
            # rebuild run with the owner's role (`twoway migrate`'s), once.
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_reject_update_delete")
            await conn.executemany(_RESEAL_SQL, updates)
            await conn.execute("ALTER TABLE events ENABLE TRIGGER events_reject_update_delete")
        await conn.execute(
            "DELETE FROM person_keys WHERE person_digest IN (SELECT person_digest FROM erasures)"
        )
        return len(updates)

    async def _participants(
        self, conn: Connection, stream_id: str, events: Sequence[NewEvent]
    ) -> list[str]:
        return list((await self._pair(conn, stream_id, events)).values())

    async def _pair(
        self, conn: Connection, stream_id: str, events: Sequence[NewEvent]
    ) -> dict[str, str]:
        """The stream's two people by role, from its proposal (an erased one is left out)."""
        proposal = next((e.data for e in events if e.event_type == _PROPOSAL), None)
        if proposal is None:
            proposal = await conn.fetchval(
                "SELECT data FROM events WHERE stream_id = $1 AND event_type = $2"
                " ORDER BY stream_version LIMIT 1",
                stream_id,
                _PROPOSAL,
            )
        if proposal is None:
            return {}
        readable = await self.unseal(conn, proposal)
        pair = {"mentor": readable["mentor_id"], "mentee": readable["mentee_id"]}
        return {role: pid for role, pid in pair.items() if pid != ERASED_ID}

    # -- read models --------------------------------------------------------------------------

    async def unseal_text(self, conn: Connection, value: str | None) -> str | None:
        """One sealed read-model text (an escalation's note) readable, or `ERASED_TEXT`."""
        if value is None:
            return None
        unsealed: str = (await self.unseal(conn, {"text": value}))["text"]
        return unsealed

    async def seal_notices(
        self, conn: Connection, stream_id: str, messages: Sequence[OutboxMessage]
    ) -> list[OutboxMessage]:
        """`messages` with a participant's words sealed with the key of whoever wrote them.

        Most batches carry none, and then cost no query: the answer path stays as fast.
        """
        if not any(_notice_has_plain_text(m.template, m.data) for m in messages):
            return list(messages)
        pair = await self._pair(conn, stream_id, ())
        keys = await self.keys_of(conn, pair.values())
        return [replace(m, data=_seal_notice(m.template, m.data, pair, keys)) for m in messages]

    async def seal_stored_notices(self, conn: Connection) -> int:
        """One-off for an outbox written before sealing: seal the words its notices still keep
        in the clear (their author's key gone, drop them). Returns how many rows changed."""
        fields = sorted(NOTICE_TEXT.union(*NOTICE_TEXT_OF_TEMPLATE.values()))
        updates: list[tuple[int, dict[str, Any]]] = []
        pairs: dict[str, tuple[dict[str, str], PersonKeys]] = {}
        for row in await conn.fetch(_NOTICES_SQL, fields):
            data: dict[str, Any] = row["data"]
            if not _notice_has_plain_text(row["template"], data):
                continue
            stream_id = row["relationship_id"] or ""
            if stream_id not in pairs:
                pair = await self._pair(conn, stream_id, ()) if stream_id else {}
                pairs[stream_id] = (pair, await self.keys_of(conn, pair.values()))
            pair, keys = pairs[stream_id]
            updates.append((row["id"], _seal_notice(row["template"], data, pair, keys)))
        if updates:
            await conn.executemany(_RESEAL_NOTICE_SQL, updates)
        return len(updates)


def seal_record(data: dict[str, Any], keys: PersonKeys) -> dict[str, Any]:
    """A read-model document (the parts of a folded state that hold words) with its personal
    values sealed.

    Every id of a person in `keys` is sealed with their key; a free-text field is sealed with the
    key of the author that the nearest enclosing object names (a contract version's
    `proposed_by`, an escalation's `raised_by`), so each person's words go with their own key.
    """
    sealed: dict[str, Any] = _seal_nested(data, keys, None)
    return sealed


def sealed_text(text: str, author: PersonKey) -> str:
    """`text` sealed with its author's key (a value already sealed stays as it is)."""
    return _seal_text(text, author) if _plain(text) else text


def masked(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every sealed value read as erased, without any key: for readers that need
    none of the personal values (a calendar series needs dates and the cadence only)."""
    result: dict[str, Any] = _unseal(data, {})
    return result


def _seal_event(data: dict[str, Any], keys: Mapping[str, PersonKey]) -> dict[str, Any]:
    author = next((data[f] for f in AUTHOR_FIELDS if data.get(f) in keys), None)
    text = PERSONAL_TEXT | PERSONAL_TEXT_OF_TYPE.get(str(data.get("type")), frozenset())
    sealed: dict[str, Any] = _seal(data, keys, keys.get(author) if author else None, text)
    return sealed


def _seal(
    value: Any, keys: Mapping[str, PersonKey], author: PersonKey | None, text: frozenset[str]
) -> Any:
    if isinstance(value, dict):
        return {
            name: _seal_text(item, author)
            if name in text and _plain(item) and author is not None
            else _seal(item, keys, author, text)
            for name, item in value.items()
        }
    if isinstance(value, list):
        return [_seal(item, keys, author, text) for item in value]
    if isinstance(value, str) and value in keys:
        return _token("i", keys[value], value)
    return value


def _seal_nested(value: Any, keys: PersonKeys, author: PersonKey | None) -> Any:
    if isinstance(value, dict):
        # An object that names its author seals with that author's key (none if they have none).
        named = next((n for f in AUTHOR_FIELDS if isinstance(n := value.get(f), str)), None)
        own = author if named is None else keys.get(named)
        return {
            name: _seal_text(item, own)
            if name in PERSONAL_TEXT and _plain(item) and own is not None
            else _seal_nested(item, keys, own)
            for name, item in value.items()
        }
    if isinstance(value, list):
        return [_seal_nested(item, keys, author) for item in value]
    if isinstance(value, str) and value in keys:
        return _token("i", keys[value], value)
    return value


def _notice_text(template: str) -> frozenset[str]:
    return NOTICE_TEXT | NOTICE_TEXT_OF_TEMPLATE.get(template, frozenset())


def _notice_has_plain_text(template: str, data: Mapping[str, Any]) -> bool:
    return any(_plain(data.get(name)) for name in _notice_text(template))


def _seal_notice(
    template: str, data: dict[str, Any], pair: Mapping[str, str], keys: PersonKeys
) -> dict[str, Any]:
    role = next((data[f] for f in NOTICE_AUTHOR_ROLE_FIELDS if f in data), None)
    author = keys.get(pair.get(str(role), ""))
    sealed = dict(data)
    for name in _notice_text(template):
        if not _plain(data.get(name)):
            continue
        if author is None:
            del sealed[name]  # the author's key is gone (or unknown): the words go, not the notice
        else:
            sealed[name] = _seal_text(data[name], author)
    return sealed


def _plain(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith(SEALED)


def _seal_text(text: str, author: PersonKey) -> str:
    return _token("t", author, text)


def _token(kind: str, key: PersonKey, plain: str) -> str:
    remembered = key.memo.get(f"{kind}:{plain}")
    if remembered is not None:
        return remembered
    # Deterministic: the same value sealed twice gives the same token (see the module doc).
    nonce = hmac.new(key.raw, plain.encode(), hashlib.sha256).digest()[:_NONCE]
    sealed = key.cipher.encrypt(nonce, plain.encode(), key.digest.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    token = f"{SEALED}{kind}:{key.digest}:{body}"
    key.memo[f"{kind}:{plain}"] = token
    return token


def _opened(token: str, key: PersonKey, body: str) -> str:
    remembered = key.memo.get(token)
    if remembered is None:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        remembered = key.cipher.decrypt(raw[:_NONCE], raw[_NONCE:], key.digest.encode()).decode()
        key.memo[token] = remembered
    return remembered


def _sealed_digests(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _sealed_digests(item)
    elif isinstance(value, list):
        for item in value:
            yield from _sealed_digests(item)
    elif isinstance(value, str) and value.startswith(SEALED):
        yield value[len(SEALED) :].split(":", 2)[1]


def _unseal(value: Any, keys: Mapping[str, PersonKey | None]) -> Any:
    if isinstance(value, dict):
        return {name: _unseal(item, keys) for name, item in value.items()}
    if isinstance(value, list):
        return [_unseal(item, keys) for item in value]
    if isinstance(value, str) and value.startswith(SEALED):
        kind, digest, body = value[len(SEALED) :].split(":", 2)
        key = keys.get(digest)
        if key is None:
            return ERASED_ID if kind == "i" else ERASED_TEXT
        return _opened(value, key, body)
    return value
