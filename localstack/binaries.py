"""Locate the binaries that pip installed next to this interpreter (never downloaded)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


class MissingBinaryError(RuntimeError):
    pass


def venv_binary(name: str) -> Path:
    """The executable `name` from this venv's `bin/`, else from PATH."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return beside_python
    found = shutil.which(name)
    if found is None:
        raise MissingBinaryError(
            f"`{name}` is not installed; run `make install` (it comes from a pip package)"
        )
    return Path(found)


def temporal_cli() -> Path:
    return venv_binary("temporal")


def temporal_test_server() -> Path:
    return venv_binary("temporal-test-server")
