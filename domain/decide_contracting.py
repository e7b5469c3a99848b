"""Contracting: one proposes, the other accepts or counter-proposes, until both have signed."""

from datetime import datetime

from domain.contract import ContractTerms
from domain.decision import Decision
from domain.events import ContractCounterProposed, ContractProposed, ContractSigned
from domain.prompt_issue import issue_contract_review
from domain.prompts import (
    ContractProposalAnswer,
    ContractReviewAnswer,
    Prompt,
    PromptKind,
)
from domain.slots import first_occurrence_after
from domain.state import Phase, Severity
from domain.steps import ensure_schedule, open_escalation


def answer_proposal(d: Decision, respondent_id: str, answer: ContractProposalAnswer) -> None:
    d.emit(
        ContractProposed(
            occurred_at=d.now,
            version=len(d.state.contracts) + 1,
            terms=answer.terms,
            proposed_by=respondent_id,
            reason=d.state.contracting_reason,
        )
    )
    issue_contract_review(d, d.state.contracts[-1])


def answer_review(
    d: Decision, prompt: Prompt, respondent_id: str, answer: ContractReviewAnswer
) -> None:
    version = prompt.context.contract_version
    assert version is not None  # review prompts always name their version
    contract = d.state.contracts[version - 1]
    if answer.decision == "accept":
        # Proposing is the proposer's signature; accepting is the reviewer's.
        d.emit(
            ContractSigned(
                occurred_at=d.now,
                version=version,
                signed_by=(contract.proposed_by, respondent_id),
                term_end=contract.terms.term_end,
                first_meeting_at=_first_meeting(d, contract.terms),
            )
        )
        ensure_schedule(d)
        return
    assert answer.counter_terms is not None  # checked by validate_answer
    d.emit(
        ContractCounterProposed(
            occurred_at=d.now,
            version=len(d.state.contracts) + 1,
            counters_version=version,
            terms=answer.counter_terms,
            proposed_by=respondent_id,
        )
    )
    issue_contract_review(d, d.state.contracts[-1])


def _first_meeting(d: Decision, terms: ContractTerms) -> datetime | None:
    """The slot's first occurrence with time left to send the invite and its reminder."""
    if terms.slot is None:
        return None
    return first_occurrence_after(terms.slot, d.now + d.policy.meeting_reminder_lead)


def after_contract_prompt_expired(d: Decision, _: Prompt) -> None:
    """Pairs that never agree on a contract drift; bring in the coordinator instead."""
    kinds = (PromptKind.CONTRACT_PROPOSAL, PromptKind.CONTRACT_REVIEW)
    if d.state.phase != Phase.CONTRACTING or d.state.open_prompts_of(*kinds):
        return
    open_escalation(d, ("contract_not_agreed",), Severity.MEDIUM, raised_by="system")
