"""Connecting to Temporal with the shared converter, and the worker's sandbox settings."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.service import TLSConfig
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from twoway.converter import data_converter_from_settings
from twoway.settings import Settings
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

# Pure, deterministic modules shared with workflows. Passing them through the sandbox means they
# are imported once per worker instead of once per workflow run (pydantic models are costly to
# rebuild), and it is safe because they hold no mutable global state.
PASSTHROUGH_MODULES = ("domain", "pydantic", "pydantic_core", "annotated_types")


def sandbox_runner() -> SandboxedWorkflowRunner:
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return SandboxedWorkflowRunner(restrictions=restrictions)


async def register_search_attributes(client: Client) -> None:
    """For servers started without them (the time-skipping test server knows none)."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={
                key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
                for key in ALL_SEARCH_ATTRIBUTES
            },
        )
    )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """Mutual TLS when a client certificate is configured (docs/security.md); else plain."""
    cert, key = settings.temporal_tls_cert_file, settings.temporal_tls_key_file
    if cert is None and key is None and settings.temporal_tls_ca_file is None:
        return False
    if (cert is None) != (key is None):
        raise ValueError("TWOWAY_TEMPORAL_TLS_CERT_FILE and _KEY_FILE must be set together")
    ca = settings.temporal_tls_ca_file
    return TLSConfig(
        server_root_ca_cert=ca.read_bytes() if ca else None,
        client_cert=cert.read_bytes() if cert else None,
        client_private_key=key.read_bytes() if key else None,
    )


async def connect_client(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.namespace,
        data_converter=data_converter_from_settings(settings),
        tls=tls_config(settings),
    )
