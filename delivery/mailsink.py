"""The local SMTP sink of ``twoway up``: keeps every message under ``TWOWAY_HOME/mail``.

Messages are deduplicated on their ``Message-ID``: the dispatcher resends a message with the
same id when it crashed between the server's acceptance and recording it, so keeping the first
copy makes local delivery exactly-once. A duplicate is still answered 250, or the dispatcher
would keep retrying a message that has in fact arrived.

Run it alone with ``python -m delivery.mailsink``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from twoway.logging import configure_logging, get_logger
from twoway.settings import load_settings

log = get_logger(__name__)

SINK_HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class StoredMail:
    number: int
    message_id: str
    file: str
    received_at: str
    to: str
    subject: str


class MailStore:
    """``messages/<sha256(Message-ID)>.eml`` plus ``index.jsonl`` in arrival order.

    The hard link that publishes a message fails if its file exists, which makes the dedupe
    atomic even with several sink processes on one directory.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.messages = root / "messages"
        self.index = root / "index.jsonl"
        self._lock = threading.Lock()

    def save(self, raw: bytes, received_at: datetime | None = None) -> StoredMail | None:
        """The stored entry, or None when a message with this Message-ID is already kept."""
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        message_id = str(headers.get("Message-ID", "")).strip()
        # Without an id the content itself is the identity: the same bytes are one message.
        identity = message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"
        name = f"{hashlib.sha256(identity.encode()).hexdigest()[:40]}.eml"
        self._make_private_dirs()
        if not self._publish(raw, self.messages / name):
            return None
        entry = {
            "message_id": identity,
            "file": name,
            "received_at": (received_at or datetime.now(UTC)).isoformat(),
            "to": str(headers.get("To", "")),
            "subject": str(headers.get("Subject", "")),
        }
        with self._lock:
            number = len(self._read_index()) + 1
            # Owner-only like the messages: the index names every recipient and subject.
            descriptor = os.open(self.index, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry) + "\n")
        return StoredMail(number=number, **entry)

    def _make_private_dirs(self) -> None:
        for directory in (self.root, self.messages):
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            # mkdir's mode is only used when it creates the directory; an older one is narrowed.
            directory.chmod(0o700)

    def _publish(self, raw: bytes, target: Path) -> bool:
        descriptor, temporary = tempfile.mkstemp(dir=self.messages, suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(raw)
            os.link(temporary, target)
        except FileExistsError:
            return False
        finally:
            os.unlink(temporary)
        return True

    def entries(self) -> list[StoredMail]:
        return [StoredMail(number=n, **entry) for n, entry in enumerate(self._read_index(), 1)]

    def find(self, ref: str) -> StoredMail | None:
        """By list number (``3``) or Message-ID (with or without angle brackets)."""
        entries = self.entries()
        if ref.isdigit():
            number = int(ref)
            return entries[number - 1] if 1 <= number <= len(entries) else None
        wanted = ref.strip().strip("<>")
        return next((e for e in entries if e.message_id.strip("<>") == wanted), None)

    def read(self, entry: StoredMail) -> EmailMessage:
        raw = (self.messages / entry.file).read_bytes()
        return BytesParser(policy=policy.default).parsebytes(raw)

    def _read_index(self) -> list[dict[str, Any]]:
        if not self.index.exists():
            return []
        lines = self.index.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


class SinkHandler:
    """aiosmtpd handler: store on DATA; count duplicates so tests can see the dedupe at work."""

    def __init__(self, store: MailStore) -> None:
        self.store = store
        self.accepted = 0
        self.duplicates = 0

    # aiosmtpd finds its hooks by these exact names.
    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        stored = await asyncio.to_thread(self.store.save, raw)
        if stored is None:
            self.duplicates += 1
            log.info("mail_duplicate_ignored")
            return "250 Duplicate of a message already kept"
        self.accepted += 1
        log.info("mail_kept", number=stored.number)
        return "250 Message kept"


async def start_sink(handler: SinkHandler, host: str = SINK_HOST, port: int = 0) -> asyncio.Server:
    """Listen in the running loop (port 0: any free port, see ``server.sockets``)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(handler, hostname="twoway-sink", ident="twoway mail sink", loop=loop),
        host,
        port,
    )


async def sink_answers(host: str, port: int, wait_seconds: float = 2.0) -> bool:
    """Readiness: the server greets with 220."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), wait_seconds)
    except (OSError, TimeoutError):
        return False
    try:
        greeting = await asyncio.wait_for(reader.readline(), wait_seconds)
        return greeting.startswith(b"220")
    except (OSError, TimeoutError):
        return False
    finally:
        writer.close()


async def serve(root: Path, port: int) -> None:
    handler = SinkHandler(MailStore(root))
    server = await start_sink(handler, SINK_HOST, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("mail_sink_started", host=SINK_HOST, port=port, directory=str(root))
    async with server:
        await stop.wait()
    log.info("mail_sink_stopped", kept=handler.accepted, duplicates=handler.duplicates)


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings.mail_dir, settings.smtp_port))


__all__ = ["MailStore", "SinkHandler", "StoredMail", "sink_answers", "start_sink"]

if __name__ == "__main__":
    main()
