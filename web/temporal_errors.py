"""Temporal failures as problems: unknown ids are 404, an unreachable service is 503."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from temporalio.client import (
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from web.problems import Problem, problem_response


def rpc_problem(error: RPCError) -> Problem:
    if error.status == RPCStatusCode.NOT_FOUND:
        return Problem(
            type="/problems/not-found",
            title="No such relationship",
            status=404,
            detail="No relationship has this id.",
        )
    # Anything else is the service being unwell, not the request being wrong.
    return Problem(
        type="/problems/temporal-unavailable",
        title="Temporal is unavailable",
        status=503,
        detail="The workflow service did not answer; retry later.",
    )


async def _on_rpc(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RPCError)
    return problem_response(rpc_problem(error))


# The workflow could not answer (e.g. its task is failing): the client did nothing wrong.
QUERY_FAILED = Problem(
    type="/problems/relationship-unreadable",
    title="The relationship cannot be read right now",
    status=503,
    detail="Retry later; operators see why in the Temporal UI.",
)
# The update may still be applied; updates carry their own ids, so a retry applies once.
UPDATE_UNCONFIRMED = Problem(
    type="/problems/not-confirmed",
    title="The request was not confirmed in time",
    status=503,
    detail="The service is very busy; send the same request again, it is applied once.",
)


def _answer_with(problem: Problem) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(_: Request, __: Exception) -> JSONResponse:
        return problem_response(problem)

    return handler


def install_temporal_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RPCError, _on_rpc)
    app.add_exception_handler(WorkflowQueryFailedError, _answer_with(QUERY_FAILED))
    app.add_exception_handler(
        WorkflowUpdateRPCTimeoutOrCancelledError, _answer_with(UPDATE_UNCONFIRMED)
    )
