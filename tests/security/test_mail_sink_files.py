"""Threat: another user of the machine reading the local mail sink: its index lists every
recipient and subject, its messages hold personal inbox links. All of it is owner-only."""

from __future__ import annotations

import os
import stat
from email.message import EmailMessage
from pathlib import Path

from delivery.mailsink import MailStore


def mail(number: int) -> bytes:
    message = EmailMessage()
    message["Message-ID"] = f"<{number}@test>"
    message["To"] = "Person <person@example.test>"
    message["Subject"] = "Your private check-in"
    message.set_content("http://127.0.0.1:8080/inbox/v1.personal-link")
    return bytes(message)


def test_the_mail_sink_keeps_its_index_and_messages_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        store = MailStore(tmp_path / "home" / "mail")
        store.save(mail(1))
        store.save(mail(2))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.messages.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.index.stat().st_mode) == 0o600
    for message in store.messages.iterdir():
        assert stat.S_IMODE(message.stat().st_mode) == 0o600
    assert len(store.entries()) == 2
