"""Threat: a programme owner's content file (or anyone who can write to its directory) carrying
markup into every participant's page and mail. Briefings and guides are Markdown with raw HTML
off: a `<script>` in them is shown as text, a `javascript:` link is not made a link."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from content import ContentLibrary, load_content
from delivery.email import EmailRenderer
from delivery.guides import MeetingGuides
from domain.prompts import BriefingSection
from store.people import Person
from web.inbox.pages import templates as inbox_templates

SCRIPT = "<script>alert('owner')</script>"
HOSTILE = (
    f"Before the list.\n\n{SCRIPT}\n\n<img src=x onerror=alert(1)>\n\n"
    "- [a link](javascript:alert(1))\n- plain **bold**\n"
)


def owners_content(root: Path) -> ContentLibrary:
    for relative in ("briefings/reverse_mentor/power_gap.md", "guides/general.md"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {SCRIPT}\n---\n{HOSTILE}", encoding="utf-8")
    return load_content(root)


def assert_shown_as_text(html: str) -> None:
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(" in html
    assert "<strong>bold</strong>" in html  # the Markdown itself still renders


def test_an_owners_script_in_a_briefing_is_shown_as_text_on_the_page(tmp_path: Path) -> None:
    library = owners_content(tmp_path)
    briefing = library.briefings[next(iter(library.briefings))]
    assert briefing.sections[BriefingSection.POWER_GAP].body.count("<script>") == 1
    page = inbox_templates.env.get_template("briefing.html.j2").render(
        token="t", state={"relationship_id": "rel-1"}, briefing=briefing
    )
    assert_shown_as_text(page)


def test_an_owners_script_in_a_guide_is_shown_as_text_in_the_reminder_mail(
    tmp_path: Path,
) -> None:
    guides = MeetingGuides(owners_content(tmp_path))
    # No relationship to look up: the connection is never used.
    no_connection: Any = None
    reading = asyncio.run(
        guides.mail_context(no_connection, "meeting_reminder", None, {"meeting_number": 1})
    )
    person = Person(person_id="p1", display_name="P", email="p1@example.test")
    data = {"meeting_number": 1, "scheduled_at": "2026-03-02T10:00:00+00:00"}
    mail = EmailRenderer().render("meeting_reminder", data, person, "http://x/inbox/t", reading)
    assert_shown_as_text(mail.html)
