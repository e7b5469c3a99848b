"""Onboarding: each person acknowledges the briefing; then the pair contracts."""

from domain.contract import ContractReason
from domain.decision import Decision
from domain.events import BriefingAcknowledged
from domain.prompts import OnboardingAnswer, Prompt, PromptKind
from domain.state import Phase, Severity
from domain.steps import open_escalation, start_contracting


def answer_onboarding(d: Decision, respondent_id: str, answer: OnboardingAnswer) -> None:
    d.emit(
        BriefingAcknowledged(
            occurred_at=d.now,
            participant_id=respondent_id,
            hopes_to_teach=answer.hopes_to_teach,
            hopes_to_learn=answer.hopes_to_learn,
        )
    )
    if d.state.phase == Phase.ONBOARDING and set(d.state.briefed) == set(d.state.participants):
        start_contracting(d, ContractReason.INITIAL)


def after_onboarding_expired(d: Decision, _: Prompt) -> None:
    """A stalled briefing is a coordinator conversation, not a silent failure."""
    if d.state.phase != Phase.ONBOARDING or d.state.open_prompts_of(PromptKind.ONBOARDING):
        return
    open_escalation(d, ("onboarding_stalled",), Severity.MEDIUM, raised_by="system")
