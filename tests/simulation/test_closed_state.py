"""A relationship that closed while simulated reads exactly as its workflow held it.

The Temporal engine does not ask a closed workflow for its state (the worker would replay its
whole history): it folds the events the workflow recorded. Both must agree, or the engine's
figures would describe relationships that never ran.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from domain.policy import RelationshipPolicy
from localstack.binaries import temporal_test_server
from localstack.postgres import throwaway_database
from services.pairs import start_relationship
from simulation.cohort import CohortDriver, CohortMember
from simulation.population import PairKind, draw_population
from simulation.run import DAYS_PER_MONTH, pair_request, starts, stored_state
from twoway.codec import Keyring
from twoway.converter import build_data_converter
from twoway.temporal_client import register_search_attributes
from worker import twoway_worker
from workflows.relationship import RelationshipWorkflow

SEED = 2
# Long enough for the declining pair to end and the ghosting pairs to be released by their
# coordinator after an escalation (about two months).
MONTHS = 3


async def test_a_closed_relationship_reads_as_its_workflow_held_it() -> None:
    population = [
        pair
        for pair in draw_population(10, SEED)
        if pair.kind in {PairKind.DECLINING, PairKind.GHOSTING}
    ]
    policy = RelationshipPolicy.standard()
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=build_data_converter(Keyring.generate("closed-state")),
        test_server_existing_path=str(temporal_test_server()),
    )
    try:
        await register_search_attributes(env.client)
        task_queue = f"closed-{uuid.uuid4()}"
        async with (
            throwaway_database() as pool,
            twoway_worker(env.client, pool, task_queue),
        ):
            members = [
                CohortMember(
                    await start_relationship(
                        env.client, pair_request(pair, policy, SEED), task_queue=task_queue
                    ),
                    pair.personas,
                )
                for pair in population
            ]
            begin = await env.get_current_time()
            states = await CohortDriver(
                members=members,
                advance=env.sleep,
                clock=env.get_current_time,
                until=begin + timedelta(days=DAYS_PER_MONTH * MONTHS),
                seed=SEED,
                closed_state=stored_state(
                    pool,
                    {start.relationship_id: start for start in starts(population, policy, SEED)},
                ),
            ).run()

            assert {state.phase.value for state in states} == {"declined", "ended_early"}
            for member, state in zip(members, states, strict=True):
                # Asked without a reject condition, the worker replays the closed workflow.
                assert state == await member.handle.query(RelationshipWorkflow.state)
    finally:
        await env.shutdown()
