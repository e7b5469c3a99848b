"""SQL statements of the web app, shipped as package data in ``web/sql``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load_sql(name: str) -> str:
    return files("web").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
