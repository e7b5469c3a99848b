"""Fail when pyproject.toml and requirements.lock disagree.

Every dependency declared in pyproject.toml (the runtime ones and the `dev` extra) must be
pinned in the lock at a version its specifier admits, and its markers must not hide it here.
Run by `make lint`, so CI refuses a change to one file without the other; `make lock`
regenerates the lock (see docs/dependencies.md).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(text) for text in texts]


def pinned(lock_text: str) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in lock_text.splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = Version(match.group(2))
    return pins


def disagreements(requirements: list[Requirement], pins: dict[str, Version]) -> list[str]:
    problems = []
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        version = pins.get(name)
        if version is None:
            problems.append(f"{requirement.name}: declared in pyproject.toml, not in the lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(
                f"{requirement.name}: the lock pins {version}, pyproject.toml asks {requirement}"
            )
    return problems


def main() -> int:
    lock = ROOT / "requirements.lock"
    if not lock.exists():
        print("requirements.lock is missing: run `make lock`", file=sys.stderr)
        return 1
    problems = disagreements(declared(), pinned(lock.read_text()))
    for problem in problems:
        print(f"lock out of date: {problem}", file=sys.stderr)
    if problems:
        print("run `make lock` and commit requirements.lock", file=sys.stderr)
        return 1
    print(f"requirements.lock agrees with pyproject.toml ({len(declared())} dependencies)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
