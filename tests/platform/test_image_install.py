"""The image's install, reproduced without Docker: only what the Dockerfile copies, installed into
a fresh virtual environment outside the source tree, then every compose service's command started
against a test stack until it answers (the web app on its health URL, the worker and the
dispatcher through their own compose health checks). A package the Dockerfile forgets fails
here, not in production.

The third-party dependencies are the ones this suite runs on (installed from the same lock the
image installs); the project itself is built from the copied files alone, without the network.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from temporalio.testing import WorkflowEnvironment

from localstack.ports import free_port
from tests.fixtures.temporal import TEST_KEYRING
from tests.web.conftest import API_KEY, LINK_SECRET, OPERATOR_TOKEN
from twoway.credentials import hash_api_key

ROOT = Path(__file__).parents[2]
IMAGE = "twoway:0.1.0"
ANSWER_WITHIN = 90.0
STOP_WITHIN = 30.0

pytestmark = pytest.mark.timeout(600)


def copied_sources() -> list[str]:
    """The paths each `COPY` line of the Dockerfile takes from the build context."""
    sources: list[str] = []
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words and words[0] == "COPY":
            sources.extend(word for word in words[1:-1] if not word.startswith("--"))
    return sources


def image_services() -> dict[str, dict[str, Any]]:
    """Each compose service that runs the twoway image."""
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image") == IMAGE
    }


def build_context(target: Path) -> Path:
    target.mkdir(parents=True)
    for source in copied_sources():
        origin = ROOT / source
        if origin.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(origin, target / source, ignore=ignore)
        else:
            shutil.copy2(origin, target / source)
    return target


def image_environment(venv: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    # The dependencies only: a path listed in a .pth file is added as it is, and the .pth files
    # inside it (this suite's editable install of the source tree) are not read.
    dependencies = sysconfig.get_paths()["purelib"]
    (site_packages / "image_dependencies.pth").write_text(dependencies + "\n")


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ directory of a fresh environment holding what the image would hold."""
    base = tmp_path_factory.mktemp("image")
    context = build_context(base / "app")
    venv = base / "venv"
    image_environment(venv)
    python = str(venv / "bin" / "python")
    install = [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    # As the Dockerfile's `pip install --no-deps .`, from the copied files only.
    subprocess.run(
        [*install, "--no-build-isolation", str(context)],
        cwd=base,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return venv / "bin"


def test_the_environment_does_not_see_the_source_tree(image: Path) -> None:
    found = subprocess.run(
        [str(image / "python"), "-c", "import web, sys; print(web.__file__)"],
        cwd=image.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert not found.stdout.strip().startswith(str(ROOT)), found.stdout


def process_environment(
    home: Path, database_url: str, temporal: str, web_port: int
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    env.update(
        TWOWAY_HOME=str(home),
        TWOWAY_DATABASE_URL=database_url,
        TWOWAY_TEMPORAL_ADDRESS=temporal,
        TWOWAY_TASK_QUEUE="image-install-test",
        TWOWAY_ENCRYPTION_KEYS=TEST_KEYRING.render(),
        TWOWAY_LINK_SECRET=LINK_SECRET,
        TWOWAY_OPERATOR_TOKEN=OPERATOR_TOKEN,
        TWOWAY_API_KEY_HASHES=hash_api_key(API_KEY),
        TWOWAY_WEB_HOST="127.0.0.1",
        TWOWAY_WEB_PORT=str(web_port),
        TWOWAY_SMTP_HOST="127.0.0.1",
        TWOWAY_SMTP_PORT=str(free_port()),
        TWOWAY_LOG_LEVEL="INFO",
        TWOWAY_HEARTBEAT_INTERVAL_SECONDS="1",
    )
    return env


Answered = Callable[[str], bool]


def web_answers(port: int) -> Answered:
    def answered(_output: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                return bool(reply.status == 200)
        except OSError:
            return False

    return answered


def health_check_passes(image: Path, service: dict[str, Any], heartbeat: Path) -> Answered:
    """The service's own compose health check, run from the image, on this run's heartbeat."""
    check = list(service["healthcheck"]["test"][1:])
    assert check[:3] == ["twoway", "healthcheck", "--file"], check
    check[3] = str(heartbeat)

    def answered(_output: str) -> bool:
        done = subprocess.run(
            [str(image / "twoway"), *check[1:]], capture_output=True, timeout=30, check=False
        )
        return done.returncode == 0

    return answered


def wait_until_answers(process: subprocess.Popen[bytes], log: Path, answered: Answered) -> None:
    deadline = time.monotonic() + ANSWER_WITHIN
    while time.monotonic() < deadline:
        output = log.read_text(errors="replace")
        if answered(output):
            return
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{output}")
        time.sleep(0.2)  # polling a log file and a port: there is nothing to block on
    raise AssertionError(f"no answer within {ANSWER_WITHIN} s:\n{log.read_text(errors='replace')}")


def run_service(
    image: Path, command: list[str], env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    assert command[0] == "twoway", command
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(image / "twoway"), *command[1:]],
            env=env,
            cwd=log.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def test_every_compose_service_of_the_image_starts_and_answers(
    image: Path,
    empty_database_url: str,
    dev_server_env: WorkflowEnvironment,
    tmp_path: Path,
) -> None:
    temporal = dev_server_env.client.service_client.config.target_host
    # The processes are waited on with blocking calls: off the event loop the fixtures share.
    await asyncio.to_thread(start_every_service, image, empty_database_url, temporal, tmp_path)


def start_every_service(image: Path, database_url: str, temporal: str, work: Path) -> None:
    services = image_services()
    assert {"migrate", "worker", "web", "dispatcher"} <= set(services), services
    web_port = free_port()
    env = process_environment(work / "home", database_url, temporal, web_port)

    # As compose orders them: migrations first, to completion.
    migrate = subprocess.run(
        [str(image / "twoway"), *services["migrate"]["command"][1:]],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    for name in ("worker", "web", "dispatcher"):
        heartbeat = work / f"{name}.alive"
        answered = (
            web_answers(web_port)
            if name == "web"
            else health_check_passes(image, services[name], heartbeat)
        )
        log = work / f"{name}.log"
        service_env = {**env, "TWOWAY_HEARTBEAT_FILE": str(heartbeat)}
        process = run_service(image, services[name]["command"], service_env, log)
        try:
            wait_until_answers(process, log, answered)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=STOP_WITHIN)
        assert not re.search(r"Traceback|ModuleNotFoundError", log.read_text(errors="replace"))
