"""The typed refusals every use case raises; the CLI maps them to exit codes, the web to problems.

A service returns a receipt when it did what was asked, and raises one of these when it did not,
for a reason the caller may show as it is (messages never carry private text).
"""

from __future__ import annotations

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError


class ServiceError(Exception):
    """A use case did not do what was asked."""


class InvalidRequestError(ServiceError):
    """The request itself is wrong: each problem names the field and what is wrong with it."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))
        self.problems = problems


class NotFoundError(ServiceError):
    """What the request names does not exist (or is not known here)."""


class RefusedError(ServiceError):
    """A rule refused the request; ``code`` is the domain's error type, ``message`` its words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def refusal_of(failure: WorkflowUpdateFailedError, fallback: str) -> RefusedError:
    """An update a validator rejected, as the domain's error code and message (safe to show)."""
    cause = failure.cause
    if isinstance(cause, ApplicationError):
        return RefusedError(cause.type or "refused", cause.message)
    return RefusedError("refused", fallback)
