"""Simulate a cohort at the speed of the rules: the pure decider on a virtual clock.

All business rules live in `domain` (`decide`/`evolve`), so a policy what-if needs no server:
each relationship is driven exactly as its workflow drives it (the start command, then every
answer, coordinator action and timer `Tick` through `decide`, folded with `evolve`), by the
same simulated people (`Participants`) the Temporal engine uses. Activities (event store,
mail, escalation cases) feed nothing back into a relationship, so leaving them out changes
no outcome; `tests/simulation` runs both engines on one cohort to keep it that way.

A pair never waits for another one, so pairs run one after the other, each on its own clock,
and large cohorts are spread over worker processes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from domain import Command, DomainError, RelationshipState, Tick, initial_state
from domain.commands import StartRelationship
from domain.decider import decide_and_evolve
from domain.schedule import next_due_at
from simulation.driver import SETTLE
from simulation.metrics import PairOutcome, pair_outcome
from simulation.participants import Action, Participants, pair_random
from simulation.personas import Persona
from simulation.population import SimulatedPair

# More steps than a relationship-year needs by far; reaching it means a rule stopped time.
MAX_STEPS = 20_000
# Commands are frozen: one timer command serves every wake-up.
TICK = Tick()
# Below this many pairs, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 100

T = TypeVar("T")
StartFor = Callable[[SimulatedPair], StartRelationship]
DueOf = Callable[[RelationshipState], datetime | None]


class DeciderRelationship:
    """One relationship as its workflow holds it: a state that only `decide`/`evolve` change."""

    def __init__(self, start: StartRelationship, now: datetime) -> None:
        self.state = initial_state(start)
        self._execute(start, now)

    def send(self, action: Action, now: datetime) -> None:
        # The workflow's update validator refuses what the decider refuses; the simulated
        # person simply looks again, as `CohortDriver` does on a refused update.
        with contextlib.suppress(DomainError):
            self._execute(action, now)

    def run_timers(self, until: datetime, next_due: DueOf = next_due_at) -> None:
        """Fire the workflow's timer at each due time up to `until`, as the server would."""
        while (due := next_due(self.state)) is not None and due <= until:
            last = self.state.last_event_at
            before = self.state
            self._execute(TICK, due if last is None or due >= last else last)
            if self.state is before:
                # The workflow would wake for ever at this instant: a rule lost its liveness.
                raise RuntimeError(f"{before.relationship_id}: nothing happens when due at {due}")

    def _execute(self, command: Command, now: datetime) -> None:
        # The same events and state as `decide` then `evolve`, as the workflow does, without
        # folding every event a second time.
        _, self.state = decide_and_evolve(self.state, command, now)


@dataclass(frozen=True)
class PairRun:
    """Everything one worker needs to drive a slice of the cohort (picklable)."""

    starts: tuple[StartRelationship, ...]
    personas: tuple[dict[str, str], ...]
    seed: int
    begin: datetime
    until: datetime


def drive_pair(
    start: StartRelationship,
    people: Participants,
    begin: datetime,
    until: datetime,
) -> RelationshipState:
    """The pair from its start until it ends or the clock reaches `until`."""
    relationship = DeciderRelationship(start, begin)
    now = begin
    for _ in range(MAX_STEPS):
        state = relationship.state
        if state.is_terminal:
            return state
        actions = people.actions(state, now)
        if actions:
            for action in actions:
                relationship.send(action, now)
            continue
        wake = people.wake(state, now)
        if wake is None or wake >= until:
            return state
        # The Temporal engine looks a little after the due time, when the timer has fired.
        now = max(wake, now) + SETTLE
        relationship.run_timers(now, people.next_due)
    raise RuntimeError(f"{start.relationship_id} still open after {MAX_STEPS} steps")


def run_decider_cohort(
    population: Sequence[SimulatedPair],
    start_for: StartFor,
    seed: int,
    begin: datetime,
    until: datetime,
    progress: Callable[[int], None] = lambda done: None,
    workers: int | None = None,
) -> list[RelationshipState]:
    """Final states of every pair, in population order."""
    runs = _runs(population, start_for, seed, begin, until)
    return _map_chunks(_drive_chunk, runs, workers or _default_workers(len(population)), progress)


def run_decider_outcomes(
    population: Sequence[SimulatedPair],
    start_for: StartFor,
    seed: int,
    begin: datetime,
    until: datetime,
    progress: Callable[[int], None] = lambda done: None,
    workers: int | None = None,
) -> list[PairOutcome]:
    """What the metrics need from every pair, in population order: a worker process sends back
    a few numbers per pair rather than its whole final state."""
    runs = _runs(population, start_for, seed, begin, until)
    return _map_chunks(
        _chunk_outcomes, runs, workers or _default_workers(len(population)), progress
    )


def _runs(
    population: Sequence[SimulatedPair],
    start_for: StartFor,
    seed: int,
    begin: datetime,
    until: datetime,
) -> list[PairRun]:
    return [
        PairRun(
            starts=tuple(start_for(pair) for pair in chunk),
            personas=tuple({k: v.value for k, v in pair.personas.items()} for pair in chunk),
            seed=seed,
            begin=begin,
            until=until,
        )
        for chunk in _chunks(population, CHUNK)
    ]


def _map_chunks(
    drive: Callable[[PairRun], list[T]],
    runs: list[PairRun],
    workers: int,
    progress: Callable[[int], None],
) -> list[T]:
    results: list[T] = []
    if workers <= 1:
        for run in runs:
            results += drive(run)
            progress(len(results))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # `map` keeps the population order whatever order the chunks finish in.
        for chunk_results in pool.map(drive, runs):
            results += chunk_results
            progress(len(results))
    return results


def _chunk_outcomes(run: PairRun) -> list[PairOutcome]:
    return [pair_outcome(state) for state in _drive_chunk(run)]


def _drive_chunk(run: PairRun) -> list[RelationshipState]:
    return [
        drive_pair(
            start,
            Participants(
                {person: Persona(value) for person, value in personas.items()},
                pair_random(run.seed, start.relationship_id),
            ),
            run.begin,
            run.until,
        )
        for start, personas in zip(run.starts, run.personas, strict=True)
    ]


def _default_workers(pairs: int) -> int:
    if pairs < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, pairs // CHUNK))


def _chunks(population: Sequence[SimulatedPair], size: int) -> Iterator[Sequence[SimulatedPair]]:
    for first in range(0, len(population), size):
        yield population[first : first + size]
