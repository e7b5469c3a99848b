"""Loads the SQL statements shipped as package data in ``store/sql``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load_sql(name: str) -> str:
    """Text of ``store/sql/{name}.sql``; cached because statements never change at run time."""
    return files("store").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
