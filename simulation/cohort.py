"""Drive many relationships at once on one clock, with late, lapsing people and a coordinator.

Every open prompt is answered (or deliberately left) by its persona; when nothing is left to
answer, the clock jumps to the earliest due time of any relationship. The simulated coordinator
resolves escalations after part of their response window, so time-to-resolve is measurable.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.client import WorkflowUpdateFailedError

from domain.commands import AnswerPrompt, ResolveEscalation
from domain.prompts import Prompt, PromptKind
from domain.schedule import next_due_at
from domain.state import Escalation, RelationshipState
from services.pairs import RelationshipHandle
from simulation.driver import SETTLE, Advance, Clock, answer_id, situation
from simulation.personas import Persona, answer_for
from simulation.population import LAPSE_PROBABILITY, LATE_PROBABILITY
from workflows.relationship import RelationshipWorkflow

# Prompts a person may let lapse; consent and contract steps are always answered or declined.
LAPSABLE = frozenset({PromptKind.MEETING_LOG, PromptKind.CHECKIN, PromptKind.CLOSING_REFLECTION})
# The coordinator acts after this share of the response window.
COORDINATOR_DELAY_SHARE = 0.5


@dataclass
class CohortMember:
    handle: RelationshipHandle
    personas: dict[str, Persona]
    state: RelationshipState | None = None
    # Set when we changed it (answered, resolved) so its state is read again.
    dirty: bool = True
    # The pair answers nothing before this moment (a demo staggers pairs through the phases).
    not_before: datetime | None = None


@dataclass
class CohortDriver:
    members: list[CohortMember]
    advance: Advance
    clock: Clock
    until: datetime
    seed: int = 0
    max_steps: int = 20_000
    coordinator_delay_share: float = COORDINATOR_DELAY_SHARE
    _decided: dict[str, datetime | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    async def run(self) -> list[RelationshipState]:
        """Until every relationship has ended or the clock reaches `until`."""
        for _ in range(self.max_steps):
            open_members = await self._refresh()
            if not open_members:
                break
            now = await self.clock()
            acted = False
            for member in open_members:
                acted |= await self._act(member, now)
            if acted:
                continue
            wake = self._next_wake(open_members, now)
            if wake is None or wake >= self.until:
                break
            await self.advance(max(wake - now, timedelta(0)) + SETTLE)
        await self._refresh()
        return [member.state for member in self.members if member.state is not None]

    async def _refresh(self) -> list[CohortMember]:
        """Re-read only what can have changed: what we touched, and what fell due."""
        now = await self.clock()
        open_members = []
        for member in self.members:
            if member.state is not None and member.state.is_terminal:
                continue
            wake = None if member.state is None else self._member_wake(member)
            if member.dirty or (wake is not None and wake <= now):
                member.state = await member.handle.query(RelationshipWorkflow.state)
                member.dirty = False
            if not member.state.is_terminal:  # type: ignore[union-attr]
                open_members.append(member)
        return open_members

    def _next_wake(self, members: list[CohortMember], now: datetime) -> datetime | None:
        times = [t for t in (self._member_wake(m) for m in members) if t is not None]
        times += [m.not_before for m in members if m.not_before is not None and m.not_before > now]
        times += [t for t in self._decided.values() if t is not None and t > now]
        return min(times, default=None)

    def _member_wake(self, member: CohortMember) -> datetime | None:
        assert member.state is not None
        due = next_due_at(member.state)
        escalation = member.state.open_escalation
        if escalation is not None:
            act_at = self._coordinator_acts_at(member.state, escalation)
            due = act_at if due is None else min(due, act_at)
        return due

    async def _act(self, member: CohortMember, now: datetime) -> bool:
        state = member.state
        assert state is not None
        if member.not_before is not None and now < member.not_before:
            return False
        acted = await self._coordinate(member, state, now)
        for prompt in sorted(state.open_prompts, key=lambda p: p.prompt_id):
            acted |= await self._maybe_answer(member, state, prompt, now)
        member.dirty |= acted
        return acted

    async def _coordinate(
        self, member: CohortMember, state: RelationshipState, now: datetime
    ) -> bool:
        escalation = state.open_escalation
        if escalation is None or now < self._coordinator_acts_at(state, escalation):
            return False
        resolution = "continue" if _worth_continuing(escalation) else "end_without_fault"
        with contextlib.suppress(WorkflowUpdateFailedError):
            # Refused when our view was stale (the case closed meanwhile): look again.
            await member.handle.execute_update(
                RelationshipWorkflow.coordinator_action, ResolveEscalation(resolution=resolution)
            )
        return True

    def _coordinator_acts_at(self, state: RelationshipState, escalation: Escalation) -> datetime:
        window = state.policy.coordinator_response_deadline
        return escalation.opened_at + window * self.coordinator_delay_share

    async def _maybe_answer(
        self, member: CohortMember, state: RelationshipState, prompt: Prompt, now: datetime
    ) -> bool:
        persona = member.personas.get(prompt.recipient_id)
        if persona is None:
            return False
        key = f"{state.relationship_id}/{prompt.prompt_id}"
        if key not in self._decided:
            self._decided[key] = self._decide_when(persona, prompt)
        answer_at = self._decided[key]
        if answer_at is None or now < answer_at:
            return False
        answer = answer_for(persona, prompt, situation(state, now), self._rng)
        self._decided[key] = None
        if answer is None:
            return False
        with contextlib.suppress(WorkflowUpdateFailedError):
            # Refused when the prompt closed since we looked (real time moves on): look again.
            await member.handle.execute_update(
                RelationshipWorkflow.answer_prompt,
                AnswerPrompt(
                    answer_id=answer_id(prompt),
                    prompt_id=prompt.prompt_id,
                    respondent_id=prompt.recipient_id,
                    answer=answer,
                ),
            )
        return True

    def _decide_when(self, persona: Persona, prompt: Prompt) -> datetime | None:
        """Now, after the reminder, or never (None)."""
        if prompt.kind in LAPSABLE and self._rng.random() < LAPSE_PROBABILITY[persona]:
            return None
        if prompt.remind_at is not None and self._rng.random() < LATE_PROBABILITY[persona]:
            return prompt.remind_at
        return prompt.issued_at


def _worth_continuing(escalation: Escalation) -> bool:
    """A pair that stopped meeting is released; any other concern is worth mediating."""
    return not ({"missed_meetings", "low_adherence"} & set(escalation.reasons))
