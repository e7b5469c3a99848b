"""Typed access to parsed iCalendar properties (icalendar's own types are too wide for tests)."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar, Component


def prop(component: Component, name: str) -> Any:
    value: Any = component[name]
    return value


def rrule(component: Component) -> dict[str, list[Any]]:
    return dict(prop(component, "RRULE"))


def sequence(component: Component) -> int:
    return int(prop(component, "SEQUENCE"))


def events(calendar: Calendar) -> list[Component]:
    return list(calendar.walk("VEVENT"))
