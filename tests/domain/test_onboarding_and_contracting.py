from datetime import timedelta

import pytest

from domain import (
    ContractProposalAnswer,
    ContractReviewAnswer,
    ContractStatus,
    DomainError,
    ErrorCode,
    Mode,
    Phase,
    PromptKind,
)
from tests.domain.support import ACK, MENTEE, MENTOR, Pair, terms, types


def test_briefing_must_be_acknowledged_in_full() -> None:
    pair = Pair()
    pair.accept_match()
    partial = ACK.model_copy(update={"accepts_confidentiality": False})

    with pytest.raises(DomainError) as error:
        pair.answer("onboarding:mentor", partial)

    assert error.value.code == ErrorCode.INVALID_ANSWER
    assert "confidentiality" in error.value.message


def test_both_briefed_starts_contracting_with_a_proposal_prompt_for_the_mentor() -> None:
    pair = Pair()
    pair.onboard()

    assert pair.state.phase == Phase.CONTRACTING
    proposal = pair.prompt("contract:v1:propose:mentor")
    assert proposal.recipient_id == MENTOR
    assert proposal.kind == PromptKind.CONTRACT_PROPOSAL


def test_stalled_onboarding_escalates_to_the_coordinator() -> None:
    pair = Pair()
    pair.accept_match()
    pair.answer("onboarding:mentor", ACK)

    pair.advance(pair.state.policy.onboarding_deadline)

    assert pair.state.phase == Phase.MEDIATION
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.reasons == ("onboarding_stalled",)


def test_accepted_contract_is_signed_by_both_and_schedules_meetings() -> None:
    pair = Pair()
    agreed = pair.sign_contract()

    contract = pair.state.contract
    assert contract is not None
    assert contract.status == ContractStatus.SIGNED
    assert set(contract.signed_by) == {MENTOR, MENTEE}
    assert pair.state.phase == Phase.ACTIVE
    assert pair.state.term_end == agreed.term_end
    meeting = pair.state.meetings[0]
    assert meeting.scheduled_at == pair.now + agreed.cadence
    assert pair.state.next_checkin_at == pair.now + pair.state.policy.checkin_interval


def test_counter_proposal_creates_a_new_version_for_the_other_person() -> None:
    pair = Pair()
    pair.onboard()
    pair.answer("contract:v1:propose:mentor", ContractProposalAnswer(terms=terms(pair.now)))

    counter = terms(pair.now, cadence=timedelta(minutes=3))
    events = pair.answer(
        "contract:v1:review:mentee", ContractReviewAnswer(decision="counter", counter_terms=counter)
    )

    assert "contract_counter_proposed" in types(events)
    assert [c.status for c in pair.state.contracts] == [
        ContractStatus.COUNTERED,
        ContractStatus.PROPOSED,
    ]
    assert pair.prompt("contract:v2:review:mentor").recipient_id == MENTOR
    assert pair.state.contract is None  # nothing is in force until both have signed

    pair.answer("contract:v2:review:mentor", ContractReviewAnswer(decision="accept"))
    assert pair.state.contract_in_force == 2
    assert pair.state.phase == Phase.ACTIVE


@pytest.mark.parametrize(
    ("terms_args", "fragment"),
    [
        ({"goals": 6}, "1 to 5 goals"),
        ({"back_goals": 1}, "mutual mode"),
        ({"term": timedelta(minutes=-5)}, "term must end"),
        ({"cadence": timedelta(minutes=1)}, "cadence must be longer"),
    ],
)
def test_invalid_contracts_are_rejected_with_a_clear_message(
    terms_args: dict[str, object], fragment: str
) -> None:
    pair = Pair()
    pair.onboard()

    with pytest.raises(DomainError) as error:
        pair.answer(
            "contract:v1:propose:mentor",
            ContractProposalAnswer(terms=terms(pair.now, **terms_args)),  # type: ignore[arg-type]
        )

    assert error.value.code == ErrorCode.INVALID_CONTRACT
    assert fragment in error.value.message


def test_mutual_mode_from_the_start_needs_goals_in_both_directions() -> None:
    pair = Pair(mode=Mode.MUTUAL)
    pair.onboard()

    with pytest.raises(DomainError):
        pair.answer("contract:v1:propose:mentor", ContractProposalAnswer(terms=terms(pair.now)))
    pair.answer(
        "contract:v1:propose:mentor", ContractProposalAnswer(terms=terms(pair.now, back_goals=1))
    )


def test_unagreed_contract_escalates_when_the_deadline_passes() -> None:
    pair = Pair()
    pair.onboard()

    pair.advance(pair.state.policy.contracting_deadline)

    assert pair.state.phase == Phase.MEDIATION
    assert pair.state.mediation_from == Phase.CONTRACTING
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.reasons == ("contract_not_agreed",)
