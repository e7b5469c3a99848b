"""The image holds what the Dockerfile copies: a forgotten package fails only at run time."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _released_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = project["tool"]["setuptools"]
    packages = {name.rstrip("*") for name in setuptools["packages"]["find"]["include"]}
    modules = {f"{name}.py" for name in setuptools["py-modules"]}
    return packages | modules


def _copied_names() -> set[str]:
    copied: set[str] = set()
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"COPY (.+) \S+$", line)
        if match:
            copied.update(match.group(1).split())
    return copied


def test_the_image_copies_every_package_and_module_a_release_installs() -> None:
    assert _released_names() <= _copied_names()


def test_every_production_process_starts_through_the_twoway_entry_point() -> None:
    assert 'CMD ["twoway", "worker"]' in (ROOT / "Dockerfile").read_text()
