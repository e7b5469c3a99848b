"""What the simulated people of one pair (and their coordinator) do, and when.

Both simulation engines ask this object what to send and when to look again; only the way the
commands reach the relationship differs (an update to a workflow, or the decider called
directly). Sharing it is what keeps the two engines from drifting apart.

Each pair draws from its own random generator, seeded by the run's seed and the relationship's
id, so a pair behaves the same whatever else is simulated alongside it and in whatever order the
engine visits the pairs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from domain.commands import AnswerPrompt, ResolveEscalation
from domain.prompts import Prompt, PromptKind
from domain.schedule import next_due_at
from domain.state import Escalation, RelationshipState
from simulation.driver import answer_id, situation
from simulation.personas import Persona, answer_for
from simulation.population import LAPSE_PROBABILITY, LATE_PROBABILITY

# Prompts a person may let lapse; consent and contract steps are always answered or declined.
LAPSABLE = frozenset({PromptKind.MEETING_LOG, PromptKind.CHECKIN, PromptKind.CLOSING_REFLECTION})
# The coordinator acts after this share of the response window.
COORDINATOR_DELAY_SHARE = 0.5

Action = AnswerPrompt | ResolveEscalation


def pair_random(seed: int, relationship_id: str) -> random.Random:
    return random.Random(f"{seed}/{relationship_id}")


@dataclass
class Participants:
    personas: dict[str, Persona]
    rng: random.Random
    coordinator_delay_share: float = COORDINATOR_DELAY_SHARE
    # The pair answers nothing before this moment (a demo staggers pairs through the phases).
    not_before: datetime | None = None
    # When each prompt will be answered (None: never, or already done), decided once per prompt.
    _decided: dict[str, datetime | None] = field(default_factory=dict)
    # The last state asked about and its next due time: states are immutable, and the engines
    # ask about the same state several times between two changes.
    _due_of: tuple[RelationshipState | None, datetime | None] = (None, None)

    def wake(self, state: RelationshipState, now: datetime) -> datetime | None:
        """The next moment this pair needs looking at: a due item, an answer, the coordinator."""
        times = [t for t in (self.due(state),) if t is not None]
        if self.not_before is not None and self.not_before > now:
            times.append(self.not_before)
        times += [t for t in self._decided.values() if t is not None and t > now]
        return min(times, default=None)

    def next_due(self, state: RelationshipState) -> datetime | None:
        """`next_due_at(state)`, remembered for the last state asked about."""
        known, due = self._due_of
        if known is not state:
            due = next_due_at(state)
            self._due_of = (state, due)
        return due

    def due(self, state: RelationshipState) -> datetime | None:
        """The relationship's next due time, or the coordinator's, whichever comes first."""
        due = self.next_due(state)
        escalation = state.open_escalation
        if escalation is not None:
            act_at = self.coordinator_acts_at(state, escalation)
            due = act_at if due is None else min(due, act_at)
        return due

    def actions(self, state: RelationshipState, now: datetime) -> list[Action]:
        """Everything the people send at `now`, all decided on this one view of the state."""
        if self.not_before is not None and now < self.not_before:
            return []
        actions: list[Action] = []
        resolution = self._coordinate(state, now)
        if resolution is not None:
            actions.append(resolution)
        for prompt in sorted(state.open_prompts, key=lambda p: p.prompt_id):
            answer = self._maybe_answer(state, prompt, now)
            if answer is not None:
                actions.append(answer)
        return actions

    def coordinator_acts_at(self, state: RelationshipState, escalation: Escalation) -> datetime:
        window = state.policy.coordinator_response_deadline
        return escalation.opened_at + window * self.coordinator_delay_share

    def _coordinate(self, state: RelationshipState, now: datetime) -> ResolveEscalation | None:
        escalation = state.open_escalation
        if escalation is None or now < self.coordinator_acts_at(state, escalation):
            return None
        resolution = "continue" if _worth_continuing(escalation) else "end_without_fault"
        return ResolveEscalation(resolution=resolution)

    def _maybe_answer(
        self, state: RelationshipState, prompt: Prompt, now: datetime
    ) -> AnswerPrompt | None:
        persona = self.personas.get(prompt.recipient_id)
        if persona is None:
            return None
        if prompt.prompt_id not in self._decided:
            self._decided[prompt.prompt_id] = self._decide_when(persona, prompt)
        answer_at = self._decided[prompt.prompt_id]
        if answer_at is None or now < answer_at:
            return None
        answer = answer_for(persona, prompt, situation(state, now), self.rng)
        self._decided[prompt.prompt_id] = None
        if answer is None:
            return None
        return AnswerPrompt(
            answer_id=answer_id(prompt),
            prompt_id=prompt.prompt_id,
            respondent_id=prompt.recipient_id,
            answer=answer,
        )

    def _decide_when(self, persona: Persona, prompt: Prompt) -> datetime | None:
        """Now, after the reminder, or never (None)."""
        if prompt.kind in LAPSABLE and self.rng.random() < LAPSE_PROBABILITY[persona]:
            return None
        if prompt.remind_at is not None and self.rng.random() < LATE_PROBABILITY[persona]:
            return prompt.remind_at
        return prompt.issued_at


def _worth_continuing(escalation: Escalation) -> bool:
    """A pair that stopped meeting is released; any other concern is worth mediating."""
    return not ({"missed_meetings", "low_adherence"} & set(escalation.reasons))
