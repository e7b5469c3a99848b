"""A workflow module as lean as the real ones, so it runs inside the sandbox like them."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow


@workflow.defn
class LoggingWorkflow:
    @workflow.run
    async def run(self) -> str:
        workflow.logger.info("workflow ran")
        result: str = await workflow.execute_activity(
            "say_hello", start_to_close_timeout=timedelta(seconds=10)
        )
        return result
