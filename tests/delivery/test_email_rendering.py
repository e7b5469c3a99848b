from __future__ import annotations

import hashlib

import pytest

from delivery.calendar import build_invite
from delivery.content import PROMPT_SUBJECTS, subject_for
from delivery.email import EmailRenderer, build_message, message_id_for
from delivery.series import fold_series
from domain.prompts import PromptKind
from tests.delivery.conftest import MONDAY_10_UTC, person
from tests.delivery.history import FIRST_MEETING, History

# Every template the domain (domain/notifications.py) and the escalation activities queue.
DOMAIN_TEMPLATES = [
    "prompt_issued",
    "prompt_reminder",
    "meeting_reminder",
    "escalation_opened",
    "mediation_started",
    "escalation_overdue",
    "mediation_resolved",
    "tension_flagged",
    "health_changed",
    "match_declined",
    "proposal_expired",
    "contract_signed",
    "mode_mutual",
    "relationship_paused",
    "relationship_resumed",
    "term_extended",
    "recognition_granted",
    "relationship_completed",
    "relationship_ended",
    # what participants ask for between prompts
    "pause_until",
    "pause_requested",
    "participant_withdrew",
    "concern_raised",
    "meeting_move_declined",
    "relationship_left",
]
SECRET = "my manager shouts at me"
URL = "http://127.0.0.1:8080/inbox/tok"


@pytest.fixture(scope="module")
def renderer() -> EmailRenderer:
    return EmailRenderer()


def test_every_prompt_kind_has_its_own_subject() -> None:
    subjects = {subject_for("prompt_issued", {"kind": kind.value}) for kind in PromptKind}

    assert set(PROMPT_SUBJECTS) == set(PromptKind)
    assert len(subjects) == len(PromptKind)
    assert subject_for("prompt_reminder", {"kind": "checkin"}).startswith("Reminder: your")


@pytest.mark.parametrize("template", DOMAIN_TEMPLATES)
def test_every_domain_template_renders_text_html_and_the_inbox_link(
    renderer: EmailRenderer, template: str
) -> None:
    data = {"relationship_id": "rel-1", "kind": "checkin", "due_at": "2026-03-04T16:00:00Z"}

    email = renderer.render(template, data, person("emp-17", display_name="Ada"), URL)

    assert email.subject
    assert "Hello Ada" in email.text
    assert URL in email.text
    assert f'href="{URL}"' in email.html


def test_an_unknown_template_still_renders_through_the_generic_fallback(
    renderer: EmailRenderer,
) -> None:
    data = {"relationship_id": "rel-1", "goal_count": 3, "respond_by": "2026-03-04T16:00:00Z"}

    email = renderer.render("brand_new_notice", data, person("p"), URL)

    assert email.template_used == "_generic"
    assert email.subject == "twoway: brand new notice"
    assert "Goal count: 3" in email.text
    assert "Wednesday 04 March 2026, 16:00 (UTC)" in email.text


@pytest.mark.parametrize("template", ["../_layout", "Prompt_Issued", "x" * 200, ""])
def test_odd_template_names_never_reach_the_loader(renderer: EmailRenderer, template: str) -> None:
    assert renderer.render(template, {}, person("p"), URL).template_used == "_generic"


@pytest.mark.parametrize(
    ("template", "key"),
    [
        ("escalation_opened", "private_note"),
        ("tension_flagged", "private_note"),
        ("match_declined", "reason"),
        ("pause_requested", "private_note"),
        ("participant_withdrew", "private_note"),
        ("concern_raised", "private_note"),
        ("never_seen_before", "private_note"),
    ],
)
def test_private_text_never_appears_in_a_mail(
    renderer: EmailRenderer, template: str, key: str
) -> None:
    data = {"relationship_id": "rel-1", "severity": "high", key: SECRET}

    email = renderer.render(template, data, person("coord"), URL)

    assert SECRET not in email.text
    assert SECRET not in email.html
    assert SECRET not in email.subject


def test_html_escapes_data_values(renderer: EmailRenderer) -> None:
    email = renderer.render("odd_notice", {"note_code": "<script>x</script>"}, person("p"), URL)

    assert "<script>" not in email.html
    assert "&lt;script&gt;" in email.html


def test_times_are_shown_in_the_recipients_zone(renderer: EmailRenderer) -> None:
    data = {"meeting_number": 3, "scheduled_at": "2026-03-04T14:00:00+00:00"}

    email = renderer.render("meeting_reminder", data, person("p", time_zone="Asia/Tokyo"), URL)

    assert "Wednesday 04 March 2026, 23:00 (Asia/Tokyo)" in email.text


def test_a_message_has_both_bodies_a_stable_id_and_the_invite_attached(
    renderer: EmailRenderer,
) -> None:
    series = fold_series("rel-1", History().signed().scheduled(1, FIRST_MEETING).as_stored())
    assert series is not None
    invite = build_invite(
        series, organizer_email="t@example.test", attendee_email="a@example.test", now=MONDAY_10_UTC
    )
    rendered = renderer.render("contract_signed", {"contract_version": 1}, person("p"), URL)

    message = build_message(
        rendered,
        sender="twoway <t@example.test>",
        person=person("p", display_name="Ada Lovelace"),
        message_id=message_id_for("rel-1:contract:v1:signed:mentor"),
        now=MONDAY_10_UTC,
        invite=invite,
    )

    assert message["Message-ID"] == message_id_for("rel-1:contract:v1:signed:mentor")
    assert message["Message-ID"].endswith("@twoway>")
    assert message["To"] == "Ada Lovelace <p@example.test>"
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_payload(decode=True) == invite.ics


def test_message_ids_depend_only_on_the_idempotency_key() -> None:
    assert message_id_for("k:1") == message_id_for("k:1")
    assert message_id_for("k:1") != message_id_for("k:2")
    assert message_id_for("k:1") == f"<{hashlib.sha256(b'k:1').hexdigest()}@twoway>"


def test_a_reminder_subject_survives_missing_data() -> None:
    assert subject_for("meeting_reminder", {}) == "Upcoming mentoring meeting #?"


@pytest.mark.parametrize("template", ["prompt_issued", "escalation_opened", "relationship_ended"])
def test_mail_names_the_persons_own_organisation_and_no_other(
    renderer: EmailRenderer, template: str
) -> None:
    data = {"kind": "consent", "prompt_id": "consent:mentor", "reasons": ["tension"]}
    own = renderer.render(template, data, person("p", organisation="globex"), URL)
    assert "at globex" in own.text
    assert "at globex" in own.html
    single = renderer.render(template, data, person("p"), URL)
    assert " at default" not in single.text
    assert single.text.rstrip().endswith("for your mentoring programme")
