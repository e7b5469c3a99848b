"""Secret files under ``TWOWAY_HOME/keys``: made atomically with owner-only permissions, and
refused when empty or short.

An empty ``link.secret`` would let anyone sign an inbox link for any person, and an empty
``operator.token`` would let an empty cookie through; so a secret file is never read as "whatever
is there". A file is written whole to a private temporary file, then linked into place: two
processes starting at once on a fresh home agree on one secret, and neither ever reads a
half-written file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

# 16 characters is the floor the settings already demand of configured secrets.
MIN_SECRET_CHARS = 16


class SecretFileError(ValueError):
    """A secret file cannot be used; the message names the file, never its content."""


def read_secret_file(path: Path, min_chars: int = MIN_SECRET_CHARS) -> str:
    """The file's secret (surrounding whitespace removed); refuses an empty or short one."""
    secret = path.read_text().strip()
    if len(secret) < min_chars:
        what = "is empty" if not secret else f"holds only {len(secret)} characters"
        raise SecretFileError(
            f"secret file {path} {what}; at least {min_chars} are needed."
            " Delete it to have a new one made, or write a longer secret into it."
        )
    return secret


def create_secret_file(path: Path, content: str) -> bool:
    """Write ``content`` to ``path`` (mode 0600) unless it exists; True when this call made it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(f".{path.name}.{os.getpid()}.draft")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(content + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link() never replaces: whoever links first wins, everyone else reads the winner.
        os.link(draft, path)
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            draft.unlink()
    return True


def load_or_create_secret(path: Path, make: str, min_chars: int = MIN_SECRET_CHARS) -> str:
    """Local mode: the file's secret, or ``make`` written once; a short existing one is refused."""
    if not path.exists():
        create_secret_file(path, make)
    return read_secret_file(path, min_chars)
