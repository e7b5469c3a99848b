"""The lock and pyproject.toml agree, and the check notices when they do not."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
check: dict[str, Any] = runpy.run_path(str(ROOT / "scripts" / "check_lock.py"))


def test_every_declared_dependency_is_pinned_at_an_admitted_version() -> None:
    pins = check["pinned"]((ROOT / "requirements.lock").read_text())
    assert check["disagreements"](check["declared"](), pins) == []


def test_every_pin_carries_a_hash() -> None:
    text = (ROOT / "requirements.lock").read_text()
    blocks = [block for block in text.split("\n") if "==" in block and not block.startswith("#")]
    assert blocks
    assert all(block.rstrip().endswith("\\") for block in blocks), "a pin without --hash lines"


def test_a_dependency_missing_from_the_lock_or_out_of_range_is_named() -> None:
    pins = {"fastapi": Version("0.100.0")}
    problems = check["disagreements"](
        [Requirement("fastapi>=0.115"), Requirement("openpyxl>=3.1")], pins
    )
    assert problems == [
        "fastapi: the lock pins 0.100.0, pyproject.toml asks fastapi>=0.115",
        "openpyxl: declared in pyproject.toml, not in the lock",
    ]
