"""`twoway prompts` and `twoway answer` as scripts use them: output and exit codes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.web.pairs import MENTEE, MENTOR, start_pair
from twoway.settings import Settings


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli_env(web_settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWOWAY_")}
    assert web_settings.encryption_keys is not None
    env.update(
        TWOWAY_HOME=str(web_settings.home_dir),
        TWOWAY_TEMPORAL_ADDRESS=web_settings.temporal_target,
        TWOWAY_NAMESPACE=web_settings.namespace,
        TWOWAY_DATABASE_URL=str(web_settings.database_url),
        TWOWAY_ENCRYPTION_KEYS=web_settings.encryption_keys.get_secret_value(),
        TWOWAY_LOG_LEVEL="WARNING",
    )
    return env


async def twoway(env: dict[str, str], *args: str) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.app",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


async def test_prompts_lists_a_persons_open_prompts_as_json(
    api: httpx.AsyncClient, cli_env: dict[str, str], programme: str
) -> None:
    relationship_id = await start_pair(api, programme)
    run = await twoway(cli_env, "prompts", "--person", MENTOR, "--json")
    assert run.code == 0, run.stderr
    listed = {(row["relationship_id"], row["prompt_id"]) for row in json.loads(run.stdout)}
    assert (relationship_id, "consent:mentor") in listed


async def test_answer_exit_codes_tell_done_invalid_and_refused(
    api: httpx.AsyncClient, cli_env: dict[str, str], programme: str, tmp_path: Path
) -> None:
    relationship_id = await start_pair(api, programme)
    done = await twoway(
        cli_env, "answer", relationship_id, "consent:mentor", "--person", MENTOR,
        "--set", "decision=accept",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert "phase now proposed" in done.stdout

    invalid = await twoway(
        cli_env, "answer", relationship_id, "consent:mentee", "--person", MENTEE,
        "--set", "decision=maybe",
    )  # fmt: skip
    assert invalid.code == 2
    assert "invalid decision" in invalid.stderr

    refused = await twoway(
        cli_env, "answer", relationship_id, "consent:mentee", "--person", MENTOR,
        "--set", "decision=accept",
    )  # fmt: skip
    assert refused.code == 3
    assert "wrong_respondent" in refused.stderr

    answer_file = tmp_path / "consent.json"
    answer_file.write_text(json.dumps({"decision": "accept"}))
    from_file = await twoway(
        cli_env, "answer", relationship_id, "consent:mentee", "--person", MENTEE,
        "--file", str(answer_file),
    )  # fmt: skip
    assert from_file.code == 0, from_file.stderr
    assert "phase now onboarding" in from_file.stdout


@pytest.mark.parametrize("mistyped", ["", "rel with spaces", "rel/with/slashes"])
async def test_a_mistyped_relationship_id_is_invalid_input_in_every_command(
    cli_env: dict[str, str], mistyped: str
) -> None:
    # The server would answer such an id with an error nobody can act on (a traceback here).
    commands = [
        ("pair", "show", mistyped),
        ("answer", mistyped, "consent:mentor", "--person", MENTOR, "--set", "decision=accept"),
        ("participant", "resume", mistyped, "--as", MENTOR),
    ]
    for command in commands:
        run = await twoway(cli_env, *command)
        assert run.code == 2, (command, run.stderr)
        assert "not a relationship id" in run.stderr
        assert "Traceback" not in run.stderr
