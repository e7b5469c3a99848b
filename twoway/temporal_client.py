"""Connecting to Temporal with the shared converter, and the worker's sandbox settings."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from twoway.converter import data_converter_from_settings
from twoway.settings import Settings

# Pure, deterministic modules shared with workflows. Passing them through the sandbox means they
# are imported once per worker instead of once per workflow run (pydantic models are costly to
# rebuild), and it is safe because they hold no mutable global state.
PASSTHROUGH_MODULES = ("domain", "pydantic", "pydantic_core", "annotated_types")


def sandbox_runner() -> SandboxedWorkflowRunner:
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return SandboxedWorkflowRunner(restrictions=restrictions)


async def connect_client(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.namespace,
        data_converter=data_converter_from_settings(settings),
    )
