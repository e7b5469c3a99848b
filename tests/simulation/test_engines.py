"""The decider engine cannot drift from the workflows: one cohort, both engines, same story."""

from __future__ import annotations

from collections import Counter

from temporalio.service import RPCError

from domain.policy import RelationshipPolicy
from domain.state import RelationshipState
from localstack.binaries import temporal_test_server
from localstack.postgres import throwaway_database
from simulation.population import PairKind, SimulatedPair, draw_population
from simulation.run import TemporalParts, simulate_on_decider, simulate_on_temporal

# Seven months: every kind of pair reaches its end (declined, ended, completed after closing).
MONTHS = 7
SEED = 2


def story(state: RelationshipState) -> dict[str, object]:
    """What a coordinator reads about one pair: how it ended, its meetings, its escalations."""
    return {
        "phase": state.phase.value,
        "mode": state.mode.value,
        "end_reason": state.end_reason,
        "meetings": Counter(meeting.status.value for meeting in state.meetings),
        "escalations": [
            (sorted(e.reasons), e.resolution, e.resolved_at is not None) for e in state.escalations
        ],
        "prompts": Counter((p.kind.value, p.status.value) for p in state.prompts.values()),
    }


async def test_both_engines_tell_the_same_story_for_every_pair() -> None:
    population = draw_population(10, SEED)
    assert {pair.kind for pair in population} == set(PairKind)
    policy = RelationshipPolicy.standard()

    parts = TemporalParts(database=throwaway_database, test_server=temporal_test_server())
    on_workflows = await _on_temporal_with_one_retry(population, policy, parts)
    on_decider = simulate_on_decider(population, MONTHS, SEED, policy)

    assert [s.relationship_id for s in on_decider] == [s.relationship_id for s in on_workflows]
    for workflow_state, decider_state in zip(on_workflows, on_decider, strict=True):
        assert story(decider_state) == story(workflow_state), workflow_state.relationship_id


async def _on_temporal_with_one_retry(
    population: list[SimulatedPair], policy: RelationshipPolicy, parts: TemporalParts
) -> list[RelationshipState]:
    """The time-skipping test server sometimes drops its HTTP/2 connection mid-run ("h2
    protocol error"), which says nothing about the engines; each run starts its own server and
    database, so a second run on fresh ones is a fair retry."""
    try:
        return await simulate_on_temporal(population, MONTHS, SEED, policy, parts)
    except RPCError as error:
        if "h2 protocol error" not in error.message:
            raise
    return await simulate_on_temporal(population, MONTHS, SEED, policy, parts)
