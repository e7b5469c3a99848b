"""docker-compose.yml cannot run here (no Docker engine), so its wiring is checked by parsing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from twoway.settings import Settings
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

COMPOSE_FILE = Path(__file__).parents[2] / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def test_every_part_of_a_deployment_is_a_service(compose: dict[str, Any]) -> None:
    assert {"postgresql", "temporal", "temporal-ui", "migrate", "worker"} <= set(services(compose))


def test_every_image_is_pinned_to_a_version(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        image = service.get("image")
        assert image, f"{name} has no image"
        tag = image.rpartition(":")[2]
        assert ":" in image, f"{name} image {image} has no tag"
        assert tag != "latest", f"{name} image {image} is not pinned"


def test_twoway_services_use_only_known_settings(compose: dict[str, Any]) -> None:
    known = {f"TWOWAY_{field.upper()}" for field in Settings.model_fields}
    for name in ("worker", "migrate"):
        environment = services(compose)[name]["environment"]
        assert set(environment) <= known, f"{name}: unknown settings"
        assert "TWOWAY_ENCRYPTION_KEYS" in environment
        assert environment["TWOWAY_TEMPORAL_ADDRESS"] == "temporal:7233"
        assert "@postgresql:5432/" in environment["TWOWAY_DATABASE_URL"]


def test_worker_scales_because_it_publishes_no_host_port(compose: dict[str, Any]) -> None:
    worker = services(compose)["worker"]
    assert "ports" not in worker
    assert "container_name" not in worker


def test_worker_waits_for_migrations_and_search_attributes(compose: dict[str, Any]) -> None:
    depends = services(compose)["worker"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["temporal-search-attributes"]["condition"] == "service_completed_successfully"


def test_temporal_persists_to_postgresql_and_ui_points_at_it(compose: dict[str, Any]) -> None:
    temporal = services(compose)["temporal"]
    assert temporal["environment"]["DB"].startswith("postgres")
    assert temporal["environment"]["POSTGRES_SEEDS"] == "postgresql"
    assert services(compose)["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_compose_registers_exactly_the_search_attributes_of_the_code(
    compose: dict[str, Any],
) -> None:
    command = " ".join(services(compose)["temporal-search-attributes"]["command"])
    registered = dict(re.findall(r"--name (\w+) --type (\w+)", command))
    expected = {key.name: key._metadata_type for key in ALL_SEARCH_ATTRIBUTES}
    assert registered == expected


def test_web_serves_the_api_inbox_and_codec_from_the_twoway_image(
    compose: dict[str, Any],
) -> None:
    web = services(compose)["web"]
    assert web["image"] == services(compose)["worker"]["image"]
    assert web["command"] == ["twoway", "web"]
    environment = web["environment"]
    known = {f"TWOWAY_{field.upper()}" for field in Settings.model_fields}
    assert set(environment) <= known, "web: unknown settings"
    assert environment["TWOWAY_WEB_PORT"] == "8080"
    assert environment["TWOWAY_WEB_HOST"] == "0.0.0.0"
    for secret in ("TWOWAY_API_KEY_HASHES", "TWOWAY_OPERATOR_TOKEN", "TWOWAY_LINK_SECRET"):
        assert ":?" in environment[secret], f"{secret} must be required, never defaulted"
    assert "8080:8080" in web["ports"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_the_temporal_ui_decodes_payloads_through_the_web_codec(
    compose: dict[str, Any],
) -> None:
    ui = services(compose)["temporal-ui"]["environment"]
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith("localhost:8080/codec}")
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    web = services(compose)["web"]["environment"]
    assert web["TWOWAY_UI_ORIGIN"].endswith("http://localhost:8233}")


def test_the_dispatcher_sends_the_outbox_from_the_twoway_image(compose: dict[str, Any]) -> None:
    dispatcher = services(compose)["dispatcher"]
    assert dispatcher["image"] == services(compose)["worker"]["image"] == "twoway:0.1.0"
    assert dispatcher["command"] == ["twoway", "dispatch"]
    assert dispatcher["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Scaled like the worker: SKIP LOCKED claims, no published port, no fixed name.
    assert "ports" not in dispatcher
    assert "container_name" not in dispatcher


def test_the_dispatcher_uses_only_known_settings_of_the_shared_anchor(
    compose: dict[str, Any],
) -> None:
    environment = services(compose)["dispatcher"]["environment"]
    known = {f"TWOWAY_{field.upper()}" for field in Settings.model_fields}
    assert set(environment) <= known, "dispatcher: unknown settings"
    worker = services(compose)["worker"]["environment"]
    for name, value in worker.items():
        assert environment[name] == value, f"{name} differs from the shared env anchor"
    assert ":?" in environment["TWOWAY_SMTP_HOST"], "the relay must be configured, not guessed"


def test_links_the_dispatcher_signs_are_the_links_web_accepts(compose: dict[str, Any]) -> None:
    dispatcher = services(compose)["dispatcher"]["environment"]
    web = services(compose)["web"]["environment"]
    for name in ("TWOWAY_LINK_SECRET", "TWOWAY_PUBLIC_BASE_URL"):
        assert dispatcher[name] == web[name], f"{name} must be shared by web and dispatcher"
    assert ":?" in dispatcher["TWOWAY_LINK_SECRET"], "the link secret must never be defaulted"


ONE_SHOT = {"migrate", "temporal-search-attributes"}


def test_every_long_running_service_has_a_health_check_and_restarts(
    compose: dict[str, Any],
) -> None:
    for name, service in services(compose).items():
        if name in ONE_SHOT:
            continue
        assert "healthcheck" in service, f"{name} has no health check"
        assert service.get("restart") == "unless-stopped", f"{name} is not restarted"


def test_only_the_web_app_is_published_beyond_loopback(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        for port in service.get("ports", []):
            if name != "web":
                assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"
    assert "ports" not in services(compose)["temporal"]


def test_each_part_logs_in_to_postgresql_with_a_role_of_its_own(compose: dict[str, Any]) -> None:
    every = services(compose)
    assert every["temporal"]["environment"]["POSTGRES_USER"] == "temporal"
    assert "//twoway_owner:" in every["migrate"]["environment"]["TWOWAY_DATABASE_URL"]
    for name in ("worker", "web", "dispatcher"):
        assert "//twoway_app:" in every[name]["environment"]["TWOWAY_DATABASE_URL"], name
    mounts = every["postgresql"]["volumes"]
    assert "./deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-roles.sh:ro" in mounts


def test_worker_and_dispatcher_health_checks_read_the_heartbeat_they_write(
    compose: dict[str, Any],
) -> None:
    for name in ("worker", "dispatcher"):
        service = services(compose)[name]
        check = service["healthcheck"]["test"]
        assert check[1:4] == ["twoway", "healthcheck", "--file"], name
        assert check[4] == service["environment"]["TWOWAY_HEARTBEAT_FILE"], name
