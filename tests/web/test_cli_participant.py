"""`twoway participant ...` as scripts use it: what it prints and its exit codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client

from tests.web.pairs import MENTEE, MENTOR, phase_of
from tests.web.test_cli_prompts import cli_env, twoway  # noqa: F401  (the CLI's environment)
from tests.web.test_participant_forms import active_pair


async def test_participant_commands_pause_resume_and_raise_a_concern_with_clear_exit_codes(
    api: httpx.AsyncClient,
    client: Client,
    cli_env: dict[str, str],  # noqa: F811
    programme: str,
) -> None:
    relationship_id = await active_pair(api, client, programme)
    until = (datetime.now(UTC) + timedelta(days=5)).isoformat()

    paused = await twoway(
        cli_env, "participant", "pause", relationship_id, "--as", MENTEE,
        "--until", until, "--reason", "private matter",
    )  # fmt: skip
    assert paused.code == 0, paused.stderr
    assert "phase now paused" in paused.stdout

    not_theirs = await twoway(cli_env, "participant", "resume", relationship_id, "--as", MENTOR)
    assert not_theirs.code == 3
    assert "refused (wrong_phase)" in not_theirs.stderr

    resumed = await twoway(cli_env, "participant", "resume", relationship_id, "--as", MENTEE)
    assert resumed.code == 0, resumed.stderr
    assert await phase_of(client, relationship_id) == "active"

    too_long = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    refused = await twoway(
        cli_env, "participant", "pause", relationship_id, "--as", MENTEE, "--until", too_long
    )
    assert refused.code == 3
    assert "at most 90 days" in refused.stderr

    concern = await twoway(
        cli_env, "participant", "concern", relationship_id, "--as", MENTOR, "--note", "unheard"
    )
    assert concern.code == 0, concern.stderr
    assert "phase now active" in concern.stdout, "the raiser is not shown a mediation either"

    unknown = await twoway(cli_env, "participant", "concern", "rel-nope", "--as", MENTOR)
    assert unknown.code == 2, unknown.stderr
