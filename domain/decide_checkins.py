"""Private check-ins, and the mutual evolution they can start."""

from domain.contract import ContractReason
from domain.decision import Decision
from domain.events import (
    CheckInRoundOpened,
    CheckInSubmitted,
    ContractProposed,
    ContractSigned,
    ModeBecameMutual,
    MutualDeclined,
    MutualProposed,
)
from domain.prompt_issue import issue_checkins, issue_mutual_consent
from domain.prompts import CheckInAnswer, MutualConsentAnswer, Prompt
from domain.state import Mode, Phase, Severity
from domain.steps import ensure_schedule, open_escalation


def open_checkin_round(d: Decision) -> None:
    round_number = d.state.next_checkin_round
    d.emit(CheckInRoundOpened(occurred_at=d.now, round_number=round_number))
    issue_checkins(d, round_number)
    ensure_schedule(d)


def answer_checkin(d: Decision, prompt: Prompt, respondent_id: str, answer: CheckInAnswer) -> None:
    round_number = prompt.context.checkin_round or 0
    d.emit(
        CheckInSubmitted(
            occurred_at=d.now,
            round_number=round_number,
            respondent_id=respondent_id,
            satisfaction=answer.satisfaction,
            psychological_safety=answer.psychological_safety,
            goal_progress=answer.goal_progress,
            focus=answer.focus,
            tension_flag=answer.tension_flag,
            private_note=answer.private_note,
            learning_goes_both_ways=answer.learning_goes_both_ways,
        )
    )
    if answer.tension_flag and d.state.phase == Phase.ACTIVE:
        # raised_by is kept for the coordinator; nothing shown to the partner carries it.
        open_escalation(
            d, ("tension_flag",), Severity.MEDIUM, raised_by=respondent_id, note=answer.private_note
        )
    if answer.learning_goes_both_ways:
        _propose_mutual(d, respondent_id, answer)


def _propose_mutual(d: Decision, respondent_id: str, answer: CheckInAnswer) -> None:
    state = d.state
    if state.mode != Mode.REVERSE or state.mutual_proposal is not None:
        return
    # A refusal stands for the rest of the term; nobody should be asked the same thing monthly.
    if state.mutual_declined_in_term or not state.meetings_run:
        return
    d.emit(
        MutualProposed(
            occurred_at=d.now, proposed_by=respondent_id, goals=answer.other_direction_goals
        )
    )
    issue_mutual_consent(d, state.partner_of(respondent_id))


def answer_mutual_consent(d: Decision, respondent_id: str, answer: MutualConsentAnswer) -> None:
    proposal = d.state.mutual_proposal
    contract = d.state.contract
    if not answer.consent or proposal is None or contract is None or d.state.term_end is None:
        d.emit(MutualDeclined(occurred_at=d.now, declined_by=respondent_id))
        return
    d.emit(ModeBecameMutual(occurred_at=d.now, consented_by=respondent_id))
    # The proposal is the proposer's signature and the consent the other's: both signed.
    terms = contract.terms.model_copy(
        update={
            "goals": (*contract.terms.goals, *proposal.goals, *answer.goals),
            "term_end": d.state.term_end,
        }
    )
    version = len(d.state.contracts) + 1
    d.emit(
        ContractProposed(
            occurred_at=d.now,
            version=version,
            terms=terms,
            proposed_by=proposal.proposed_by,
            reason=ContractReason.MUTUAL,
        )
    )
    d.emit(
        ContractSigned(
            occurred_at=d.now,
            version=version,
            signed_by=(proposal.proposed_by, respondent_id),
            term_end=d.state.term_end,
        )
    )


def after_mutual_consent_expired(d: Decision, prompt: Prompt) -> None:
    if d.state.mutual_proposal is not None:
        d.emit(MutualDeclined(occurred_at=d.now, declined_by=prompt.recipient_id, expired=True))
