"""Delivers the outbox: claims due rows, sends each over e-mail (and chat), marks it delivered.

The guarantee, precisely (docs/delivery.md has the long version):

* **At least once** per outbox row and channel. A row is marked delivered only after the SMTP
  server accepted the message (250 to DATA) and the chat endpoint answered 2xx; every failure
  before that is retried with exponential backoff until ``max_attempts`` claims, then the row is
  given up (``failed_at``, logged). A dispatcher that dies mid-send leaves its row claimed; the
  row is sent again once its lease (``dispatch_lease_seconds``) has run out.
* **Effectively once** for e-mail. Each row is marked in the statement right after the server's
  acceptance, so the only window for a second copy is a crash (or lost database connection)
  between that acceptance and the commit of the mark, or a send that outlives its lease. The
  resend then carries the *same* ``Message-ID`` (``<sha256(idempotency_key)@twoway>``), so a
  receiver that deduplicates on it (our local sink does; many mail stores do) keeps one copy.
  Under normal retries (failed sends, concurrent dispatchers, restarts) no key is sent twice:
  claims use ``FOR UPDATE SKIP LOCKED`` and every write is guarded by the claim token.
* Chat webhooks have no message id to dedupe on: the same crash window can repeat a chat post.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any, Literal, Protocol

import asyncpg

from content import load_content
from delivery.email import EmailRenderer, SmtpMailer, build_message, message_id_for
from delivery.errors import DeliveryError
from delivery.guides import MeetingGuides, focus_areas_from_temporal
from delivery.invites import invite_for
from delivery.links import LinkSigner, case_url, inbox_url, signer_from_settings, staff_url
from delivery.webhook import WebhookPoster, chat_payload
from delivery.working_hours import DEFERRED_ROLES, next_send_time
from store import outbox_claims as claims
from store.database import Connection, Pool
from store.outbox_claims import ClaimedRow
from store.people import EMAIL_CHANGED_TEMPLATE, Person, get_person
from store.personal_data import masked
from twoway.bootstrap import open_runtime
from twoway.heartbeat import Heartbeat, heartbeat_at
from twoway.logging import configure_logging, get_logger
from twoway.settings import Settings, load_settings

log = get_logger(__name__)

# The store itself is unwell: stop the batch, leases bring the rows back later.
_STORE_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
CHAT_ROLES = frozenset({"coordinator", "owner"})
# Mail that must not carry an inbox link: the address change notice goes to an address that no
# longer owns the person's inbox.
NO_LINK_TEMPLATES = frozenset({EMAIL_CHANGED_TEMPLATE})
Outcome = Literal["delivered", "deferred", "retrying", "failed", "lost"]


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class ChatPoster(Protocol):
    async def post(self, payload: dict[str, Any]) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DispatchPolicy:
    batch_size: int = 50
    max_attempts: int = 8
    lease: timedelta = timedelta(minutes=5)
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_cap: timedelta = timedelta(hours=1)
    interval: timedelta = timedelta(seconds=5)

    def backoff(self, attempts: int) -> timedelta:
        growth: int = 2 ** max(attempts - 1, 0)
        return min(self.backoff_cap, self.backoff_base * growth)


@dataclass
class DispatchReport:
    claimed: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return self.outcomes.get(outcome, 0)

    @property
    def delivered(self) -> int:
        return self.count("delivered")

    def add(self, outcome: Outcome) -> None:
        self.outcomes[outcome] = self.count(outcome) + 1


@dataclass(frozen=True)
class MailIdentity:
    """Who mail comes from and where its links point."""

    sender: str
    links_base_url: str
    signer: LinkSigner

    @property
    def organizer_email(self) -> str:
        return parseaddr(self.sender)[1] or "twoway@localhost"


class Dispatcher:
    def __init__(
        self,
        pool: Pool,
        *,
        mailer: Mailer,
        identity: MailIdentity,
        chat: ChatPoster | None = None,
        policy: DispatchPolicy | None = None,
        clock: Callable[[], datetime] = utc_now,
        renderer: EmailRenderer | None = None,
        heartbeat: Heartbeat | None = None,
        guides: MeetingGuides | None = None,
    ) -> None:
        self._heartbeat = heartbeat
        self._guides = guides or MeetingGuides()
        self._pool = pool
        self._mailer = mailer
        self._identity = identity
        self._chat = chat
        self._policy = policy or DispatchPolicy()
        self._clock = clock
        self._renderer = renderer or EmailRenderer()

    async def run_once(self, limit: int | None = None) -> DispatchReport:
        """Claim up to ``limit`` due rows and try each once; returns what happened to them."""
        now = self._clock()
        report = DispatchReport()
        async with self._pool.acquire() as conn:
            claim = await claims.claim_due(
                conn, now, limit or self._policy.batch_size, now + self._policy.lease
            )
            report.claimed = len(claim.rows)
            for row in claim.rows:
                report.add(await self._attempt(conn, row, claim.token))
        if report.claimed:
            log.info("dispatch_batch", claimed=report.claimed, **report.outcomes)
        return report

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set; a full batch goes on at once, else waits an interval."""
        log.info("dispatcher_started", interval_s=self._policy.interval.total_seconds())
        while not stop.is_set():
            try:
                report = await self.run_once()
            except _STORE_ERRORS as error:
                # The database may be restarting; the supervisor should not see this as death.
                log.warning("dispatch_batch_failed", error=type(error).__name__)
                report = DispatchReport()
            else:
                if self._heartbeat is not None:
                    self._heartbeat.beat()  # PostgreSQL answered this round
            if report.claimed >= self._policy.batch_size:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._policy.interval.total_seconds())
        log.info("dispatcher_stopped")

    # -- one row ------------------------------------------------------------------------------

    async def _attempt(self, conn: Connection, row: ClaimedRow, token: uuid.UUID) -> Outcome:
        # The dispatcher holds no key to people's data: a sealed value (a participant's words in
        # a coordinator notice, never shown in a mail anyway) reads as erased, never as a token.
        row = dataclasses.replace(row, data=masked(row.data))
        try:
            return await self._deliver(conn, row, token)
        except DeliveryError as error:
            return await self._fail(conn, row, token, error.code, permanent=error.permanent)
        except _STORE_ERRORS:
            raise
        except Exception as error:
            # A bug for this one row (bad data, a template) must not block every row after it.
            log.error("delivery_crashed", outbox_id=row.id, error=type(error).__name__)
            return await self._fail(conn, row, token, type(error).__name__, permanent=False)

    async def _deliver(self, conn: Connection, row: ClaimedRow, token: uuid.UUID) -> Outcome:
        now = self._clock()
        person = await get_person(conn, row.recipient_id)
        if person is None:
            # The roster may not be imported yet: retry with backoff rather than drop it.
            raise DeliveryError("unknown_recipient", permanent=False)
        person = _addressed(person, row)
        if row.recipient_role in DEFERRED_ROLES:
            send_at = next_send_time(now, person)
            if send_at > now:
                await claims.defer(conn, row.id, token, send_at)
                log.info("delivery_deferred", outbox_id=row.id, until=send_at.isoformat())
                return "deferred"
        if not await claims.start_sending(conn, row.id, token, now + self._policy.lease):
            return self._lost(row)
        wants_chat = self._chat is not None and row.recipient_role in CHAT_ROLES
        chat_done = not wants_chat or row.webhook_sent_at is not None
        if row.email_sent_at is None:
            await self._mailer.send(await self._compose(conn, row, person, now))
            # Marked in the very next statement: this is the only window for a duplicate.
            marked = await claims.mark_progress(
                conn, row.id, token, self._clock(), email_sent=True, delivered=chat_done
            )
            if not marked:
                return self._lost(row)
        if not chat_done and self._chat is not None:
            await self._chat.post(chat_payload(row.template, row.data))
        if not chat_done or row.email_sent_at is not None:
            marked = await claims.mark_progress(
                conn, row.id, token, self._clock(), webhook_sent=wants_chat, delivered=True
            )
            if not marked:
                return self._lost(row)
        log.info("delivered", outbox_id=row.id, template=row.template, attempts=row.attempts)
        return "delivered"

    async def _compose(
        self, conn: Connection, row: ClaimedRow, person: Person, now: datetime
    ) -> EmailMessage:
        identity = self._identity
        link = ""
        if row.template not in NO_LINK_TEMPLATES:
            link = _link_for(identity, row, person.person_id, now)
        reading = await self._guides.mail_context(conn, row.template, row.relationship_id, row.data)
        if _shows_certificate(row) and link:
            reading["certificate_url"] = certificate_url(link, str(row.relationship_id))
        rendered = self._renderer.render(row.template, row.data, person, link, reading)
        invite = await invite_for(
            conn, row, organizer=identity.organizer_email, attendee=person.email, now=now
        )
        return build_message(
            rendered,
            sender=identity.sender,
            person=person,
            message_id=message_id_for(row.idempotency_key),
            now=now,
            invite=invite,
        )

    async def _fail(
        self, conn: Connection, row: ClaimedRow, token: uuid.UUID, code: str, *, permanent: bool
    ) -> Outcome:
        now = self._clock()
        if permanent or row.attempts >= self._policy.max_attempts:
            await claims.release_failure(
                conn, row.id, token, retry_at=None, failed_at=now, error=code
            )
            log.warning(
                "delivery_failed",
                outbox_id=row.id,
                template=row.template,
                attempts=row.attempts,
                error=code,
                permanent=permanent,
            )
            return "failed"
        retry_at = now + self._policy.backoff(row.attempts)
        await claims.release_failure(
            conn, row.id, token, retry_at=retry_at, failed_at=None, error=code
        )
        log.info(
            "delivery_retry",
            outbox_id=row.id,
            attempts=row.attempts,
            error=code,
            retry_at=retry_at.isoformat(),
        )
        return "retrying"

    def _lost(self, row: ClaimedRow) -> Outcome:
        # Our lease ran out and another dispatcher holds the row now; it will finish the job.
        log.warning("delivery_claim_lost", outbox_id=row.id)
        return "lost"


def _addressed(person: Person, row: ClaimedRow) -> Person:
    """The person as this row's mail must reach them: a notice of an address change goes to the
    address it replaced (so the person hears of it), everything else to the current one."""
    old_address = row.data.get("deliver_to")
    if row.template == EMAIL_CHANGED_TEMPLATE and isinstance(old_address, str):
        return dataclasses.replace(person, email=old_address)
    return person


# -- process entry point ----------------------------------------------------------------------


# Mails that tell a participant their term completed link to their certificate.
CERTIFICATE_TEMPLATES = frozenset({"relationship_completed"})


def _shows_certificate(row: ClaimedRow) -> bool:
    return (
        row.template in CERTIFICATE_TEMPLATES
        and row.recipient_role not in CHAT_ROLES
        and row.relationship_id is not None
    )


def certificate_url(inbox_link: str, relationship_id: str) -> str:
    """The printable certificate behind the person's own inbox link (web/inbox/pages.py)."""
    return f"{inbox_link}/relationships/{relationship_id}/certificate"


# Mails that open or escalate a case lead the staff member straight to it in their workspace.
CASE_TEMPLATES = frozenset({"escalation_opened", "escalation_overdue"})


def _link_for(identity: MailIdentity, row: ClaimedRow, person_id: str, now: datetime) -> str:
    """Participants get their inbox; coordinators and owners their workspace (or the case)."""
    if row.recipient_role not in CHAT_ROLES:
        return inbox_url(identity.links_base_url, identity.signer.make(person_id, now))
    token = identity.signer.for_staff().make(person_id, now)
    escalation_key = _escalation_key(row)
    if row.template in CASE_TEMPLATES and escalation_key is not None:
        return case_url(identity.links_base_url, token, escalation_key)
    return staff_url(identity.links_base_url, token)


def _escalation_key(row: ClaimedRow) -> str | None:
    """The case a message is about: the escalation activity names its key; the relationship's
    own messages name the escalation within the relationship."""
    key, escalation_id = row.data.get("escalation_key"), row.data.get("escalation_id")
    if isinstance(key, str):
        return key
    if isinstance(escalation_id, str) and row.relationship_id is not None:
        return f"{row.relationship_id}:{escalation_id}"
    return None


def dispatcher_from_settings(
    pool: Pool,
    settings: Settings,
    *,
    signer: LinkSigner | None = None,
    guides: MeetingGuides | None = None,
) -> Dispatcher:
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    mailer = SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )
    chat = WebhookPoster(settings.chat_webhook_url) if settings.chat_webhook_url else None
    policy = DispatchPolicy(
        batch_size=settings.dispatch_batch_size,
        max_attempts=settings.dispatch_max_attempts,
        lease=timedelta(seconds=settings.dispatch_lease_seconds),
        interval=timedelta(seconds=settings.dispatch_interval_seconds),
    )
    identity = MailIdentity(
        sender=settings.mail_from,
        links_base_url=settings.links_base_url,
        signer=signer or signer_from_settings(settings),
    )
    return Dispatcher(
        pool,
        mailer=mailer,
        identity=identity,
        chat=chat,
        policy=policy,
        heartbeat=heartbeat_at(settings.heartbeat_file),
        guides=guides or MeetingGuides(load_content(settings.content_dir)),
    )


async def serve(settings: Settings, *, once: bool = False) -> None:
    # A malformed content file stops the start here, naming the file.
    content = load_content(settings.content_dir)
    async with open_runtime(settings, pool_max_size=2) as runtime:
        # Temporal is reached only when a reminder needs its programme's focus areas.
        guides = MeetingGuides(content, focus_areas_from_temporal(runtime.client))
        dispatcher = dispatcher_from_settings(
            await runtime.pool(), settings, signer=runtime.signer(), guides=guides
        )
        if once:
            await dispatcher.run_once()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await dispatcher.run_forever(stop)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Deliver the twoway outbox.")
    parser.add_argument("--once", action="store_true", help="dispatch one batch, then exit")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings, once=args.once))


__all__ = [
    "DispatchPolicy",
    "DispatchReport",
    "Dispatcher",
    "MailIdentity",
    "dispatcher_from_settings",
]

if __name__ == "__main__":
    main()
