"""Threat: text a person wrote rendered as markup in someone else's page or mail. Every HTML
template of the project (inbox pages, mails and the macros they share) is rendered with markup
in every value it reads, and every value comes out escaped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pytest

from delivery.email import EmailRenderer
from reporting.charts import bar_chart, funnel_chart, stacked_chart
from store.people import Person
from web.inbox.pages import templates as inbox_templates
from web.staff.rendering import templates as staff_templates

MARKUP = '</dd><form method=post><button>View contract</button></form><meta http-equiv="refresh">'
ESCAPED = str(markupsafe.escape(MARKUP))


class MarkupEverywhere(jinja2.Undefined):
    """Whatever a template reads (a name, a goal, a note, an attribute of one) is the markup.

    Deliberately without ``__html__`` (which ChainableUndefined has): it must look like text a
    person typed, not like markup the project vouches for.
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, *args: Any, **kwargs: Any) -> MarkupEverywhere:  # type: ignore[override]
        return self

    def __str__(self) -> str:
        return MARKUP

    # Recursive macros (a form's groups of fields) would recurse for ever on values that always
    # have children: each render may iterate this many times.
    iterations_left = 0

    def __iter__(self) -> Iterator[Any]:
        if MarkupEverywhere.iterations_left > 0:
            MarkupEverywhere.iterations_left -= 1
            # Markup that also unpacks into two: both `for x in xs` (x.level, x.note) and
            # `for k, v in d|dictsort` see markup.
            yield UnpacksInTwo()

    # Comparisons and arithmetic (`level > 1`, `now - opened_at`) go on reading markup.
    def _either(self, other: object) -> bool:
        return True

    __lt__ = __le__ = __gt__ = __ge__ = _either  # type: ignore[assignment]

    def _same(self, other: object) -> MarkupEverywhere:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same  # type: ignore[assignment]

    # A figure formatted as a number (`"%.1f"|format(score)`) is a number, not text anyone typed.
    def __int__(self) -> int:  # type: ignore[override]
        return 1

    def __float__(self) -> float:  # type: ignore[override]
        return 1.0

    def __call__(self, *args: Any, **kwargs: Any) -> MarkupEverywhere:  # type: ignore[override]
        return self

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        return 1


class UnpacksInTwo(MarkupEverywhere):
    def __iter__(self) -> Iterator[Any]:
        yield MarkupEverywhere()
        yield MarkupEverywhere()


def markup_filter(*args: object, **kwargs: object) -> str:
    return MARKUP


def hostile_copy(env: jinja2.Environment) -> jinja2.Environment:
    """The project's environment itself (same loader, same autoescape rule), reading markup."""
    copy = env.overlay(undefined=MarkupEverywhere)
    copy.filters = {**env.filters, **dict.fromkeys(_PROJECT_FILTERS, markup_filter)}
    return copy


# The project's own filters format dates and durations; here they hand back markup as well.
_PROJECT_FILTERS = (
    "when",
    "duration",
    "phase",
    "choice",
    "field_id",
    "field_label",
    "label",
    "how_long",
    "words",
)


def html_templates(env: jinja2.Environment) -> list[str]:
    return [name for name in env.list_templates() if not name.endswith(".txt.j2")]


INBOX_ENV = inbox_templates.env
MAIL_ENV = EmailRenderer()._env
# The staff workspace renders its own templates (staff/*) with its own environment and filters.
STAFF_ENV = staff_templates.env


@pytest.mark.parametrize(
    ("env", "name"),
    [(INBOX_ENV, name) for name in html_templates(INBOX_ENV) if not name.startswith("staff/")]
    + [(STAFF_ENV, name) for name in html_templates(STAFF_ENV)]
    + [(MAIL_ENV, name) for name in html_templates(MAIL_ENV)],
)
def test_every_html_template_escapes_every_value_it_renders(
    env: jinja2.Environment, name: str
) -> None:
    escapes = env.autoescape if isinstance(env.autoescape, bool) else env.autoescape(name)
    assert escapes, f"{name} is rendered raw"
    template = hostile_copy(env).get_template(name)
    MarkupEverywhere.iterations_left = 50
    rendered = "".join(_render(template, name))
    assert MARKUP not in rendered, f"{name} rendered markup as markup"


def _render(template: jinja2.Template, name: str) -> Iterator[str]:
    if name.startswith("_") and "{% macro" in _source(template, name):
        # Macro files (`_contract.html.j2`, `_prompts.j2`): call every macro they define.
        module = template.make_module({})
        for attribute in dir(module):
            macro = getattr(module, attribute)
            if isinstance(macro, jinja2.runtime.Macro):
                yield str(macro(*[MarkupEverywhere()] * len(macro.arguments)))
        return
    yield template.render({})


def _source(template: jinja2.Template, name: str) -> str:
    assert template.filename is not None, name
    return Path(template.filename).read_text()


def test_the_mail_renderer_escapes_what_a_person_wrote_in_every_html_mail() -> None:
    renderer = EmailRenderer()
    person = Person(person_id="p1", display_name=MARKUP, email="p1@example.org")
    data = {"reason": MARKUP, "note": MARKUP, "focus_area": MARKUP, "level": MARKUP}
    for template in sorted({n.split(".")[0] for n in html_templates(MAIL_ENV)}):
        if template.startswith("_"):
            continue
        rendered = renderer.render(template, data, person, "http://127.0.0.1/inbox/t")
        assert MARKUP not in rendered.html, template
        assert ESCAPED in rendered.html, template


def test_report_charts_show_cohort_names_as_text() -> None:
    # Cohort names come from roster cells (departments), which an HR system writes.
    svg = bar_chart("Adherence", [MARKUP], {MARKUP: [0.5]}, shares=True)
    svg += funnel_chart(MARKUP, {MARKUP: 3})
    svg += stacked_chart(MARKUP, [MARKUP], {MARKUP: [1.0]})
    assert "<form" not in svg
    assert "<meta" not in svg
