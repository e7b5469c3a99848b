"""How a simulated participant answers each kind of prompt.

Personas are used by the workflow tests, the demo and `twoway simulate`. They only ever answer
through the public answer models, so everything they do a real person could do too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.contract import ContractTerms, Goal, GoalDirection, MeetingFormat
from domain.prompts import (
    Answer,
    CheckInAnswer,
    ClosingReflectionAnswer,
    ConsentAnswer,
    ContractProposalAnswer,
    ContractReviewAnswer,
    Focus,
    GoalOutcome,
    GoalProgress,
    MeetingLogAnswer,
    MutualConsentAnswer,
    OnboardingAnswer,
    Prompt,
    PromptKind,
)


class Persona(StrEnum):
    ENGAGED = "engaged"  # answers everything, meets every time
    GHOSTING = "ghosting"  # signs up, then stops answering once meetings begin
    TENSE = "tense"  # meets, but flags a tension at the first check-in
    MUTUAL = "mutual"  # engaged, and proposes two-way learning at the first check-in
    DECLINING = "declining"  # declines the match
    RENEWING = "renewing"  # engaged, and asks for a new term at closing


@dataclass(frozen=True)
class Situation:
    """What a participant knows when answering: the clock and the agreed goals."""

    now: datetime
    goal_count: int
    cadence: timedelta
    meeting_length: timedelta
    term_length: timedelta


def sample_terms(situation: Situation) -> ContractTerms:
    return ContractTerms(
        goals=(
            Goal(
                description="Use collaborative tools with the team",
                success_measure="Runs one team retrospective on the shared board",
            ),
            Goal(
                description="Understand how younger colleagues use social media",
                success_measure="Publishes two posts with feedback from the mentor",
            ),
        ),
        focus_area="digital ways of working",
        cadence=situation.cadence,
        meeting_length=situation.meeting_length,
        meeting_format=MeetingFormat.VIDEO,
        confidentiality_terms="What is said in our meetings stays between us.",
        term_end=situation.now + situation.term_length,
    )


OTHER_DIRECTION_GOAL = Goal(
    description="Learn how strategic decisions are prepared",
    success_measure="Prepares one board memo with the mentee's review",
    direction=GoalDirection.MENTEE_TO_MENTOR,
)


def answer_for(
    persona: Persona, prompt: Prompt, situation: Situation, rng: random.Random
) -> Answer | None:
    """The persona's answer, or None when this persona lets the prompt lapse."""
    if persona == Persona.GHOSTING and prompt.kind in _GHOSTED_KINDS:
        return None
    match prompt.kind:
        case PromptKind.CONSENT:
            return _consent(persona)
        case PromptKind.ONBOARDING:
            return OnboardingAnswer(
                read_your_role=True,
                read_rapport_and_trust=True,
                read_confidentiality=True,
                read_power_gap=True,
                read_staying_on_focus=True,
                read_when_something_goes_wrong=True,
                hopes_to_teach="practical digital habits",
                hopes_to_learn="how leadership decisions are made",
            )
        case PromptKind.CONTRACT_PROPOSAL:
            return ContractProposalAnswer(terms=sample_terms(situation))
        case PromptKind.CONTRACT_REVIEW:
            return ContractReviewAnswer(decision="accept")
        case PromptKind.MEETING_LOG:
            return MeetingLogAnswer(happened=True, learned="a new way to run a meeting")
        case PromptKind.CHECKIN:
            return _checkin(persona, prompt, situation, rng)
        case PromptKind.MUTUAL_CONSENT:
            return MutualConsentAnswer(consent=True)
        case PromptKind.CLOSING_REFLECTION:
            return ClosingReflectionAnswer(
                goals_achieved=tuple(
                    GoalOutcome(goal_number=n, achieved=True)
                    for n in range(1, situation.goal_count + 1)
                ),
                learned="to listen before deciding",
                taught="how to use the team's tools",
                continue_informally=True,
                want_renewal=persona == Persona.RENEWING,
            )
    return None


_GHOSTED_KINDS = frozenset({PromptKind.MEETING_LOG, PromptKind.CHECKIN})


def _consent(persona: Persona) -> ConsentAnswer:
    if persona == Persona.DECLINING:
        return ConsentAnswer(decision="decline", reason="schedule conflict this quarter")
    return ConsentAnswer(decision="accept")


def _checkin(
    persona: Persona, prompt: Prompt, situation: Situation, rng: random.Random
) -> CheckInAnswer:
    first_round = (prompt.context.checkin_round or 1) == 1
    tense_now = persona == Persona.TENSE and first_round
    mutual_now = persona == Persona.MUTUAL and first_round
    satisfaction = 2 if tense_now else rng.choice((4, 5))
    return CheckInAnswer(
        satisfaction=satisfaction,
        goal_progress=tuple(
            GoalProgress(goal_number=n, score=rng.choice((3, 4)))
            for n in range(1, situation.goal_count + 1)
        ),
        psychological_safety=2 if tense_now else 4,
        focus=Focus.ON_TRACK,
        tension_flag=tense_now,
        private_note="I do not feel I can speak freely." if tense_now else None,
        learning_goes_both_ways=mutual_now,
        other_direction_goals=(OTHER_DIRECTION_GOAL,) if mutual_now else (),
    )
