"""Threat: a stranger's huge body parsed before anyone checked who sent it. Credentials are
checked from the headers and bodies are capped (10 MiB for rosters, 256 KiB elsewhere) before a
byte of body is read, against a real ``python -m web`` process whose memory is measured."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
import pytest

from delivery.links import LinkSigner
from localstack.ports import free_port
from tests.web.conftest import API_KEY
from twoway.settings import Settings

ROOT = Path(__file__).parents[2]
MIB = 1024 * 1024
HUGE = 200 * MIB
# Memory the web process may gain while refusing 200 MB: far below the body, above noise.
MAX_GROWTH = 4 * MIB


@dataclass
class WebProcess:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        return int(psutil.Process(self.process.pid).memory_info().rss)


def environment_of(settings: Settings, port: int) -> dict[str, str]:
    secrets = {
        "TWOWAY_ENCRYPTION_KEYS": settings.encryption_keys,
        "TWOWAY_OPERATOR_TOKEN": settings.operator_token,
        "TWOWAY_LINK_SECRET": settings.link_secret,
    }
    assert all(value is not None for value in secrets.values())
    return {
        **os.environ,
        **{name: value.get_secret_value() for name, value in secrets.items() if value},
        "TWOWAY_HOME": str(settings.home),
        "TWOWAY_TEMPORAL_ADDRESS": settings.temporal_target,
        "TWOWAY_NAMESPACE": settings.namespace,
        "TWOWAY_DATABASE_URL": str(settings.database_url),
        "TWOWAY_TASK_QUEUE": settings.task_queue,
        "TWOWAY_API_KEY_HASHES": str(settings.api_key_hashes),
        "TWOWAY_WEB_PORT": str(port),
        "TWOWAY_LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def web_process(web_settings: Settings) -> Iterator[WebProcess]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "web"],
        cwd=ROOT,
        env=environment_of(web_settings, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    web = WebProcess(process, port)
    try:
        deadline = time.monotonic() + 60
        while not _answers(web.base_url):
            assert process.poll() is None, "the web process exited"
            assert time.monotonic() < deadline, "the web process did not start"
            time.sleep(0.1)
        yield web
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def send_huge_body(port: int, head: str, *, chunked: bool) -> tuple[int, int]:
    """Send ``head`` then up to 200 MB of body; the status answered and the bytes that went out.

    The answer is read as soon as it arrives: a server that refuses from the headers answers
    before the body, then stops reading, which ends the upload early.
    """
    sent = 0
    chunk = b"x" * MIB
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head.encode())
        conn.settimeout(0.05)
        answer = b""
        try:
            while sent < HUGE:
                data = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
                conn.sendall(data)
                sent += len(chunk)
                try:
                    answer += conn.recv(65536)
                except TimeoutError:
                    continue
                if answer:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        conn.settimeout(10)
        while b"\r\n" not in answer:
            try:
                more = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not more:
                break
            answer += more
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, sent


def head_of(path: str, *, length: int | None, key: str | None = None) -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines.append(
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    )
    if key is not None:
        lines.append(f"Authorization: Bearer {key}")
    return "\r\n".join(lines) + "\r\n\r\n"


def test_a_200_mb_body_without_a_key_is_refused_and_never_held_in_memory(
    web_process: WebProcess,
) -> None:
    before = web_process.rss()
    status, sent = send_huge_body(
        web_process.port, head_of("/api/v1/pairs", length=HUGE), chunked=False
    )
    assert status in (401, 413)
    assert web_process.rss() - before <= MAX_GROWTH
    assert sent < HUGE, "the server read the whole body before answering"


def test_a_chunked_body_without_a_key_is_refused_from_its_headers(
    web_process: WebProcess,
) -> None:
    before = web_process.rss()
    status, _ = send_huge_body(
        web_process.port, head_of("/api/v1/pairs", length=None), chunked=True
    )
    assert status == 401
    assert web_process.rss() - before <= MAX_GROWTH


def test_a_chunked_body_with_a_key_is_cut_off_at_the_cap(web_process: WebProcess) -> None:
    before = web_process.rss()
    status, _ = send_huge_body(
        web_process.port, head_of("/api/v1/pairs", length=None, key=API_KEY), chunked=True
    )
    assert status == 413
    assert web_process.rss() - before <= MAX_GROWTH


def test_bodies_above_their_caps_are_refused_before_being_read(
    web_process: WebProcess, link_signer: LinkSigner
) -> None:
    auth = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=web_process.base_url, headers=auth, timeout=30) as http:
        pairs = http.post(
            "/api/v1/pairs",
            content=b"[" + b"0," * (200 * 1024) + b"0]",
            headers={"Content-Type": "application/json"},
        )
        assert pairs.status_code == 413
        roster = http.post(
            "/api/v1/programmes/p-any/roster",
            content=b"a" * (11 * MIB),
            headers={"Content-Type": "text/csv"},
        )
        assert roster.status_code == 413
        token = link_signer.make("emp-anyone", datetime.now(UTC))
        answer = http.post(
            f"/inbox/{token}/relationships/r-any/prompts/consent%3Amentor",
            data={"reason": "x" * MIB},
        )
        assert answer.status_code == 413
