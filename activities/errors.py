"""How the activities classify failures for Temporal's retry policy.

Bad input will be just as bad on the next attempt, so it fails the activity for good; anything
else (lost connections, a database restart) is left to propagate and Temporal retries it.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

INVALID_INPUT = "InvalidActivityInput"
UNKNOWN_ESCALATION = "UnknownEscalation"


def invalid_input(message: str) -> ApplicationError:
    return ApplicationError(message, type=INVALID_INPUT, non_retryable=True)


def unknown_escalation(escalation_key: str) -> ApplicationError:
    return ApplicationError(
        f"no escalation {escalation_key} was opened",
        type=UNKNOWN_ESCALATION,
        non_retryable=True,
    )
