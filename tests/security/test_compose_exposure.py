"""Threat: someone on the network reaching Temporal. Its frontend answers any caller without
authentication (answer prompts in a participant's name, end relationships, list who is in
mediation), so the deployment publishes nothing but the web app, and the UI only on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

COMPOSE_FILE = Path(__file__).parents[2] / "docker-compose.yml"
SECURITY_DOC = Path(__file__).parents[2] / "docs" / "security.md"


def published_ports(service: dict[str, Any]) -> list[str]:
    return [str(port) for port in service.get("ports", [])]


def test_only_the_web_app_is_published_and_the_ui_only_on_loopback() -> None:
    services: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    published = {name: published_ports(s) for name, s in services.items() if published_ports(s)}
    assert set(published) <= {"web", "temporal-ui"}, published
    for port in published.get("temporal-ui", []):
        assert port.startswith("127.0.0.1:"), f"the Temporal UI is published on {port}"
    assert "temporal" not in published
    assert "postgresql" not in published
    for name, service in services.items():
        assert "network_mode" not in service, f"{name} shares the host network"


def test_the_security_guide_says_how_to_run_temporal_with_mutual_tls() -> None:
    text = SECURITY_DOC.read_text()
    assert "mTLS" in text or "mutual TLS" in text
    assert "TWOWAY_TEMPORAL_ADDRESS" in text
