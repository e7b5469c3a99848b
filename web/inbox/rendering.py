"""Jinja filters of the inbox pages: dates, phases and choices in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from content import render_markdown
from domain.state import RelationshipState
from domain.views import participant_phase
from web.inbox.forms import CHOICE_LABELS, AnswerForm, Choice, element_id, humanise, labels_by_name
from web.inbox.parse import format_duration

PHASES = {
    "proposed": "proposed (waiting for both to accept)",
    "onboarding": "onboarding",
    "contracting": "contracting",
    "active": "active",
    "mediation": "mediation",
    "paused": "paused",
    "closing": "closing",
    "completed": "completed",
    "declined": "declined",
    "ended_early": "ended early",
}
YES_NO = (Choice("true", "Yes"), Choice("false", "No"))


def when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y, %H:%M UTC")


def duration(value: timedelta) -> str:
    return format_duration(value)


def phase(value: str) -> str:
    return PHASES.get(value, humanise(value))


def seen_phase(state: RelationshipState) -> str:
    """The phase as the two people see it (`domain.views.participant_phase`), in words."""
    return phase(participant_phase(state).value)


def choice(value: object) -> str:
    text = str(getattr(value, "value", value))
    return CHOICE_LABELS.get(text, humanise(text))


def field_label(name: str, answer_form: AnswerForm) -> str:
    return labels_by_name(answer_form).get(name, humanise(name.rsplit(".", 1)[-1]))


def markdown(source: object) -> Markup:
    """Owner-written Markdown as HTML; raw HTML in it arrives escaped (content/markdown.py)."""
    return render_markdown(str(source))


def install_filters(env: Environment) -> None:
    env.filters.update(
        when=when,
        duration=duration,
        phase=phase,
        seen_phase=seen_phase,
        choice=choice,
        field_id=element_id,
        field_label=field_label,
        markdown=markdown,
    )
    env.globals["yes_no"] = YES_NO


def inbox_environment(directory: Path) -> Environment:
    """The inbox's Jinja environment: every template escapes what it renders.

    Built here rather than by ``Jinja2Templates(directory=...)``, whose environment escapes only
    templates named ``.html``/``.htm``/``.xml`` and so would render ``*.html.j2`` raw: a partner's
    contract text would become markup in the other partner's page.
    """
    env = Environment(loader=FileSystemLoader(directory), autoescape=True)
    install_filters(env)
    return env
