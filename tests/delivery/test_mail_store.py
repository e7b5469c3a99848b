from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from delivery.email import message_id_for
from delivery.mailsink import MailStore


def raw_message(key: str, body: str = "hello") -> bytes:
    message = EmailMessage()
    message["Message-ID"] = message_id_for(key)
    message["To"] = "a@example.test"
    message["Subject"] = f"about {key}"
    message.set_content(body)
    return message.as_bytes()


def test_one_copy_is_kept_per_message_id_even_when_the_content_differs(tmp_path: Path) -> None:
    store = MailStore(tmp_path)

    first = store.save(raw_message("k:1", "first try"))
    again = store.save(raw_message("k:1", "resent after a crash, new link"))
    other = store.save(raw_message("k:2"))

    assert first is not None
    assert other is not None
    assert again is None
    assert [e.subject for e in store.entries()] == ["about k:1", "about k:2"]
    assert "first try" in str(store.read(store.entries()[0]).get_body(("plain",)))


def test_two_sinks_on_one_directory_still_keep_one_copy(tmp_path: Path) -> None:
    assert MailStore(tmp_path).save(raw_message("k:1")) is not None
    assert MailStore(tmp_path).save(raw_message("k:1")) is None


def test_messages_are_found_by_number_or_message_id(tmp_path: Path) -> None:
    store = MailStore(tmp_path)
    store.save(raw_message("k:1"))
    store.save(raw_message("k:2"))

    assert store.find("2") == store.find(message_id_for("k:2"))
    assert store.find(message_id_for("k:2").strip("<>")) is not None
    assert store.find("3") is None
    assert store.find("0") is None


def test_a_message_without_an_id_is_deduplicated_by_its_content(tmp_path: Path) -> None:
    message = EmailMessage()
    message["Subject"] = "no id"
    message.set_content("same bytes")
    store = MailStore(tmp_path)

    assert store.save(message.as_bytes()) is not None
    assert store.save(message.as_bytes()) is None
