"""A closed relationship is read from its recorded events, not by a worker replaying it.

Real dev server, worker and PostgreSQL. Once the pair's workflow has closed and no worker polls
its task queue any more, the inbox, staff pages, the HR API and `twoway pair show` still read
its state: the same state a query replaying the whole history gives, apart from the policy,
which the events do not carry and which decides nothing for a pair that has ended. An answer
to it is refused at once, without asking for that state.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.commands import AnswerPrompt
from domain.prompts import ConsentAnswer
from domain.state import RelationshipState
from services.answers import answer_prompt
from services.errors import RefusedError
from services.pairs import PairRequest, start_relationship
from services.relationship_state import relationship_state
from store.database import Pool, create_pool
from store.personal_data import Sealer
from tests.fixtures.temporal import TEST_KEYRING
from tests.web.test_cli_prompts import cli_env, twoway  # noqa: F401  (the CLI's environment)
from twoway.settings import Settings
from worker import twoway_worker
from workflows.relationship import RelationshipWorkflow

# Without a worker a query of a closed workflow can only wait; reading it must not need one.
WITHOUT_A_WORKER_WITHIN = 30.0
# A reason only the coordinator may read: it stays sealed where the read models keep it.
REASON = "I would rather not say why"


def consent(person: str, role: str, decision: str) -> AnswerPrompt:
    return AnswerPrompt(
        answer_id=f"consent-{role}",
        prompt_id=f"consent:{role}",
        respondent_id=person,
        answer=ConsentAnswer(decision=decision, reason=REASON if decision == "decline" else None),
    )


def new_pair() -> PairRequest:
    suffix = uuid.uuid4().hex[:8]
    return PairRequest(
        programme_id=f"prog-{suffix}",
        mentor_id=f"mentor-{suffix}",
        mentee_id=f"mentee-{suffix}",
        coordinator_id="coord-1",
        owner_id="owner-1",
    )


def comparable(state: RelationshipState) -> dict[str, object]:
    return state.model_dump(mode="json", exclude={"policy", "legacy_rules"})


def deployment_sealer() -> Sealer:
    return Sealer(TEST_KEYRING.current_id, TEST_KEYRING.keys)


async def declined_pair(client: Client, pool: Pool, sealer: Sealer) -> RelationshipState:
    """A pair whose mentee declined, closed; returns the state its replay gives."""
    task_queue = f"closed-{uuid.uuid4()}"
    request = new_pair()
    async with twoway_worker(client, pool, task_queue, sealer=sealer):
        handle = await start_relationship(client, request, task_queue=task_queue)
        for person, role, decision in (
            (request.mentor_id, "mentor", "accept"),
            (request.mentee_id, "mentee", "decline"),
        ):
            await handle.execute_update(
                RelationshipWorkflow.answer_prompt, consent(person, role, decision)
            )
        outcome = await handle.result()
        assert outcome.phase == "declined"
        return await handle.query(RelationshipWorkflow.state)


async def test_a_closed_relationship_reads_as_its_replay_without_any_worker(
    dev_server_env: WorkflowEnvironment, pg_pool: Pool
) -> None:
    client = dev_server_env.client
    sealer = deployment_sealer()
    replayed = await declined_pair(client, pg_pool, sealer)

    _, read = await asyncio.wait_for(
        relationship_state(client, pg_pool, sealer, replayed.relationship_id),
        WITHOUT_A_WORKER_WITHIN,
    )

    assert read.phase == replayed.phase
    assert read.is_terminal
    assert comparable(read) == comparable(replayed)


async def test_an_open_relationship_is_read_from_its_workflow(
    dev_server_env: WorkflowEnvironment, pg_pool: Pool
) -> None:
    client = dev_server_env.client
    task_queue = f"open-{uuid.uuid4()}"
    request = new_pair()
    async with twoway_worker(client, pg_pool, task_queue):
        handle = await start_relationship(client, request, task_queue=task_queue)
        await handle.execute_update(
            RelationshipWorkflow.answer_prompt, consent(request.mentor_id, "mentor", "accept")
        )
        _, read = await relationship_state(client, pg_pool, None, handle.id)
        queried = await handle.query(RelationshipWorkflow.state)
        await handle.terminate(reason="test finished")

    assert not read.is_terminal
    assert read == queried  # the workflow's own state, policy included


async def test_twoway_pair_show_reads_a_closed_relationship_without_any_worker(
    dev_server_env: WorkflowEnvironment,
    web_settings: Settings,
    cli_env: dict[str, str],  # noqa: F811
) -> None:
    pool = await create_pool(str(web_settings.database_url), min_size=1, max_size=2)
    try:
        replayed = await declined_pair(dev_server_env.client, pool, deployment_sealer())
    finally:
        await pool.close()

    shown = await asyncio.wait_for(
        twoway(cli_env, "pair", "show", replayed.relationship_id), WITHOUT_A_WORKER_WITHIN
    )

    assert shown.code == 0, shown.stderr
    assert "workflow completed" in shown.stdout
    assert "phase declined" in shown.stdout


async def test_an_answer_to_a_closed_relationship_is_refused_without_any_worker(
    dev_server_env: WorkflowEnvironment, pg_pool: Pool
) -> None:
    client = dev_server_env.client
    replayed = await declined_pair(client, pg_pool, deployment_sealer())

    with pytest.raises(RefusedError) as refused:
        await asyncio.wait_for(
            answer_prompt(
                client,
                replayed.relationship_id,
                "consent:mentee",
                replayed.mentee_id,
                {"decision": "accept"},
                answer_id="a-change-of-mind",
            ),
            WITHOUT_A_WORKER_WITHIN,
        )

    assert refused.value.code == "relationship_closed"
