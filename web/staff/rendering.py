"""The staff pages' Jinja environment: every value escaped, whatever the template's name."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

_TEMPLATES = Path(__file__).parents[1] / "templates" / "staff"


def when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%a %d %b %Y, %H:%M UTC")


def how_long(value: timedelta) -> str:
    """A duration the way a person says it: the largest two units."""
    seconds = max(int(value.total_seconds()), 0)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def words(value: object) -> str:
    text = str(getattr(value, "value", value))
    return text.replace("_", " ")


def build_environment() -> jinja2.Environment:
    # autoescape=True, not select_autoescape(): these templates end in .html.j2.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, how_long=how_long, words=words)
    return env


templates = Jinja2Templates(env=build_environment())


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)
