"""The one error type channels raise, classified so the dispatcher knows to retry or give up."""

from __future__ import annotations


class DeliveryError(Exception):
    """``code`` is an error class or status, never text from the far side (it may quote an
    address); ``permanent`` means retrying cannot help (e.g. a 5xx refusal)."""

    def __init__(self, code: str, *, permanent: bool) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent
