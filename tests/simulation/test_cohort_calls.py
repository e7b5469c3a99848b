"""Which failed calls the cohort driver asks again: those lost on the way, never a refusal."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from simulation.cohort import lost_on_the_way


@pytest.mark.parametrize(
    ("message", "status"),
    [
        ("Timeout expired", RPCStatusCode.CANCELLED),
        ("deadline exceeded", RPCStatusCode.DEADLINE_EXCEEDED),
        ("connection refused", RPCStatusCode.UNAVAILABLE),
        ("transport error: h2 protocol error: error reading a body", RPCStatusCode.UNKNOWN),
    ],
)
def test_a_call_lost_on_the_way_is_asked_again(message: str, status: RPCStatusCode) -> None:
    assert lost_on_the_way(RPCError(message, status, b""))


def test_an_update_whose_wait_timed_out_is_asked_again() -> None:
    assert lost_on_the_way(WorkflowUpdateRPCTimeoutOrCancelledError())


@pytest.mark.parametrize(
    "status",
    [RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT, RPCStatusCode.FAILED_PRECONDITION],
)
def test_an_answer_from_the_server_is_not_asked_again(status: RPCStatusCode) -> None:
    assert not lost_on_the_way(RPCError("workflow not found", status, b""))
