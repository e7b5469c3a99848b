"""Drive a relationship workflow with simulated participants.

The driver answers every open prompt the personas want to answer (through the `answer_prompt`
update, like a person's inbox does), and otherwise advances the clock to the workflow's next due
time. On the time-skipping test server the clock is `env.sleep`, so months pass in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.client import WorkflowHandle

from domain.commands import AnswerPrompt
from domain.prompts import Prompt
from domain.schedule import next_due_at
from domain.state import RelationshipState
from simulation.personas import Persona, Situation, answer_for
from workflows.relationship import RelationshipWorkflow
from workflows.relationship_io import RelationshipOutcome

Advance = Callable[[timedelta], Awaitable[None]]
Clock = Callable[[], Awaitable[datetime]]
StopWhen = Callable[[RelationshipState], bool]

# A little past the due time, so the timer has certainly fired when we look again.
SETTLE = timedelta(seconds=1)


@dataclass
class DriveResult:
    state: RelationshipState
    outcome: RelationshipOutcome | None
    answers_sent: int
    ignored_prompts: set[str] = field(default_factory=set)


@dataclass
class Driver:
    handle: WorkflowHandle[RelationshipWorkflow, RelationshipOutcome]
    personas: dict[str, Persona]
    advance: Advance
    clock: Clock
    seed: int = 0
    max_steps: int = 2000
    ignored: set[str] = field(default_factory=set)
    answers_sent: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    async def run(self, stop_when: StopWhen | None = None) -> DriveResult:
        """Until the workflow closes, `stop_when(state)` holds, or nothing more can happen."""
        for _ in range(self.max_steps):
            state = await self.handle.query(RelationshipWorkflow.state)
            if state.is_terminal:
                # Closed in the domain; the workflow is only flushing its last effects.
                return await self._result()
            if stop_when is not None and stop_when(state):
                return DriveResult(state, None, self.answers_sent, self.ignored)
            if await self._answer_open_prompts(state):
                continue
            due = next_due_at(state)
            if due is None:
                # Waiting on a coordinator or an HR event: hand control back to the caller.
                return DriveResult(state, None, self.answers_sent, self.ignored)
            now = await self.clock()
            await self.advance(max(due - now, timedelta(0)) + SETTLE)
        raise RuntimeError(f"relationship still open after {self.max_steps} steps")

    async def _result(self) -> DriveResult:
        outcome = await self.handle.result()
        state = await self.handle.query(RelationshipWorkflow.state)
        return DriveResult(state, outcome, self.answers_sent, self.ignored)

    async def _answer_open_prompts(self, state: RelationshipState) -> bool:
        answered = False
        now = await self.clock()
        for prompt in state.open_prompts:
            if prompt.prompt_id in self.ignored or prompt.recipient_id not in self.personas:
                continue
            answer = answer_for(
                self.personas[prompt.recipient_id], prompt, situation(state, now), self._rng
            )
            if answer is None:
                self.ignored.add(prompt.prompt_id)
                continue
            await self.handle.execute_update(
                RelationshipWorkflow.answer_prompt,
                AnswerPrompt(
                    answer_id=answer_id(prompt),
                    prompt_id=prompt.prompt_id,
                    respondent_id=prompt.recipient_id,
                    answer=answer,
                ),
            )
            self.answers_sent += 1
            answered = True
        return answered


def answer_id(prompt: Prompt) -> str:
    return f"sim:{prompt.prompt_id}"


def situation(state: RelationshipState, now: datetime) -> Situation:
    contract = state.contract or state.pending_contract
    policy = state.policy
    return Situation(
        now=now,
        goal_count=len(contract.terms.goals) if contract else 2,
        cadence=policy.default_cadence,
        meeting_length=policy.default_meeting_length,
        term_length=policy.default_term_length,
    )
