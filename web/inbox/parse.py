"""From submitted form fields back to the nested data an answer model validates.

Parsing is lenient on purpose: anything it cannot read is passed on as typed, so the model's
own validation names the field and the rule, and the person sees their text again beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from domain.slots import MeetingSlot
from web.inbox.forms import AnswerForm, FieldNode, GroupNode, Node

_UNITS = {
    "minute": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "h": timedelta(hours=1),
    "day": timedelta(days=1),
    "d": timedelta(days=1),
    "week": timedelta(weeks=1),
    "w": timedelta(weeks=1),
    "month": timedelta(days=30),
}
_DURATION = re.compile(r"^\s*(\d{1,4})\s*([a-z]+?)s?\s*$")


def parse_duration(text: str) -> timedelta | None:
    """``2 weeks``, ``14 days``, ``90 minutes``, ``1 hour``; None when it is none of those."""
    match = _DURATION.match(text.lower())
    if match is None:
        return None
    unit = _UNITS.get(match.group(2))
    return None if unit is None else unit * int(match.group(1))


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def _datetime(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    # Browsers send wall-clock time without an offset; the form says it is UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


_ABSENT = object()


def _field(node: FieldNode, form: Mapping[str, str]) -> Any:
    raw = form.get(node.name, "").strip()
    if node.widget == "checkbox":
        return node.name in form
    if raw == "":
        return _ABSENT
    if node.widget == "yesno":
        return {"true": True, "false": False}.get(raw, raw)
    if node.widget == "datetime":
        return _datetime(raw)
    if node.widget == "duration":
        parsed = parse_duration(raw)
        return raw if parsed is None else parsed.total_seconds()
    if node.widget == "meeting_slot":
        return _meeting_slot(raw)
    return raw


def _meeting_slot(code: str) -> Any:
    """A chosen slot (`2@15:00@Europe/Berlin`) as the model's fields; left as typed if not one."""
    try:
        return MeetingSlot.from_code(code, "UTC").model_dump(mode="json")
    except ValueError:
        return code


def _filled(node: Node, form: Mapping[str, str]) -> bool:
    """Did the person type or choose anything here? Unticked boxes do not count."""
    if isinstance(node, FieldNode):
        return node.widget != "checkbox" and form.get(node.name, "").strip() != ""
    children = node.children if isinstance(node, GroupNode) else node.slots
    return any(_filled(child, form) for child in children)


class _Collector:
    """Builds the data, remembering which form row each list item came from.

    Empty rows are skipped, so item 0 of the data may be row 2 of the form; error locations are
    mapped back through ``rows`` so the message lands beside what the person typed.
    """

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.rows: dict[str, str] = {}

    def value(self, node: Node, data_path: str) -> Any:
        if isinstance(node, FieldNode):
            return _field(node, self.form)
        if isinstance(node, GroupNode):
            if node.optional and not _filled(node, self.form):
                return _ABSENT
            return self.collect(node.children, data_path)
        items: list[Any] = []
        for slot in node.slots:
            if _filled(slot, self.form):
                item_path = f"{data_path}.{len(items)}"
                self.rows[item_path] = slot.name
                items.append(self.value(slot, item_path))
        return items

    def collect(self, nodes: tuple[Node, ...], data_path: str) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for node in nodes:
            key = node.name.rsplit(".", 1)[-1]
            child_path = f"{data_path}.{key}" if data_path else key
            value = self.value(node, child_path)
            if value is not _ABSENT:
                data[key] = value
        return data

    def form_name(self, location: tuple[int | str, ...]) -> str:
        data_path = ""
        form_path = ""
        for part in location:
            data_path = f"{data_path}.{part}" if data_path else str(part)
            form_path = self.rows.get(data_path, f"{form_path}.{part}" if form_path else str(part))
        return form_path


@dataclass
class ParsedForm:
    data: dict[str, Any]
    collector: _Collector

    def field_errors(self, error: ValidationError) -> dict[str, str]:
        """Form field name (dotted path) to the first message about it."""
        found: dict[str, str] = {}
        for item in error.errors(include_input=False, include_url=False):
            name = self.collector.form_name(tuple(item["loc"]))
            message = "Please fill this in." if item["type"] == "missing" else item["msg"]
            found.setdefault(name, message)
        return found


def parse_form(answer_form: AnswerForm, form: Mapping[str, str]) -> ParsedForm:
    collector = _Collector(form)
    return ParsedForm(data=collector.collect(answer_form.fields, ""), collector=collector)
