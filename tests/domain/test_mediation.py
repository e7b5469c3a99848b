from datetime import timedelta

import pytest

from domain import (
    DomainError,
    ErrorCode,
    InvolvePartners,
    MeetingLogAnswer,
    OpenEscalation,
    Phase,
    ResolveEscalation,
    next_due_at,
    notifications_for,
)
from domain.commands import Resolution
from domain.events import EscalationOverdue
from domain.state import MeetingStatus
from domain.views import participant_phase
from tests.domain.support import COORDINATOR, Pair, types


def pair_in_mediation() -> Pair:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    pair.send(OpenEscalation(reason="coordinator_concern", note="heard rumours"))
    return pair


def test_coordinator_can_open_an_escalation_once() -> None:
    pair = pair_in_mediation()

    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.raised_by == COORDINATOR
    assert escalation.respond_by == pair.now + pair.state.policy.coordinator_response_deadline
    with pytest.raises(DomainError) as error:
        pair.send(OpenEscalation())
    assert error.value.code == ErrorCode.ESCALATION_ALREADY_OPEN


def test_unanswered_escalation_goes_to_the_owner_after_the_deadline() -> None:
    pair = pair_in_mediation()
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert escalation.respond_by is not None
    before = pair.state

    events = pair.advance_to(escalation.respond_by)

    overdue = next(e for e in events if isinstance(e, EscalationOverdue))
    assert overdue.level == 2
    assert overdue.respond_by == escalation.respond_by + pair.state.policy.owner_response_deadline
    intents = notifications_for(before, overdue, pair.state)
    # The owner's own message is queued by the escalation activity with the updated case.
    assert [(i.recipient_role, i.template) for i in intents] == [
        ("coordinator", "escalation_overdue")
    ]
    assert "private_note" not in intents[0].data

    assert overdue.respond_by is not None
    last = pair.advance_to(overdue.respond_by)
    assert [e.level for e in last if isinstance(e, EscalationOverdue)] == [3]
    still_open = pair.state.open_escalation
    assert still_open is not None
    # The last notice has a deadline of its own: the owner's mail shows it, not the one passed.
    assert still_open.respond_by == overdue.respond_by + pair.state.policy.owner_response_deadline

    ended = pair.advance_to(still_open.respond_by)
    assert pair.state.phase == Phase.ENDED_EARLY
    assert pair.state.end_reason == "escalation_unresolved"
    assert "escalation_resolved" in types(ended)


@pytest.mark.parametrize(
    ("resolution", "phase", "end_reason", "rematch"),
    [
        ("continue", Phase.ACTIVE, None, False),
        ("amend_contract", Phase.CONTRACTING, None, False),
        ("pause", Phase.PAUSED, None, False),
        ("end_without_fault", Phase.ENDED_EARLY, "no_fault", False),
        ("rematch", Phase.ENDED_EARLY, "rematch", True),
    ],
)
def test_coordinator_resolution_decides_where_the_relationship_goes(
    resolution: Resolution, phase: Phase, end_reason: str | None, rematch: bool
) -> None:
    pair = pair_in_mediation()

    events = pair.send(ResolveEscalation(resolution=resolution, note="talked to both"))

    assert types(events)[0] == "escalation_resolved"
    assert pair.state.phase == phase
    assert pair.state.end_reason == end_reason
    assert pair.state.rematch_requested == rematch
    assert not pair.state.escalation_open


def test_amending_the_contract_asks_for_a_new_version_signed_by_both() -> None:
    pair = pair_in_mediation()

    pair.send(ResolveEscalation(resolution="amend_contract"))

    assert pair.prompt("contract:v2:propose:mentor").is_open
    assert pair.state.contract_in_force == 1
    assert all(m.status != MeetingStatus.SCHEDULED for m in pair.state.meetings)


def test_a_meeting_left_to_log_cannot_be_moved_while_the_contract_is_amended() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    pair.run_until_due()  # the first meeting's reminder
    pair.run_until_due()  # its time has passed: both are asked to log it
    assert pair.prompt("meeting:1:log:mentor").is_open
    pair.send(OpenEscalation(reason="coordinator_concern"))
    pair.send(ResolveEscalation(resolution="amend_contract"))

    with pytest.raises(DomainError) as error:
        pair.answer(
            "meeting:1:log:mentor",
            MeetingLogAnswer(happened=False, reschedule_to=pair.now + timedelta(minutes=30)),
        )
    assert error.value.code == ErrorCode.INVALID_ANSWER
    assert "on hold" in error.value.message
    # Said not to have happened, it counts as missed once nobody can confirm it.
    pair.answer("meeting:1:log:mentor", MeetingLogAnswer(happened=False))
    assert all(m.status != MeetingStatus.SCHEDULED for m in pair.state.meetings)


def test_resolving_needs_an_open_escalation() -> None:
    pair = Pair()
    pair.sign_contract()

    with pytest.raises(DomainError) as error:
        pair.send(ResolveEscalation(resolution="continue"))

    assert error.value.code == ErrorCode.NO_OPEN_ESCALATION


def test_continuing_after_a_stalled_contract_asks_again() -> None:
    pair = Pair()
    pair.onboard()
    pair.advance(pair.state.policy.contracting_deadline)
    assert pair.state.phase == Phase.MEDIATION
    assert next_due_at(pair.state) is not None  # the coordinator's deadline

    pair.send(ResolveEscalation(resolution="continue"))

    after = pair.state  # a fresh name: the action changed the state
    assert after.phase == Phase.CONTRACTING
    assert pair.prompt("contract:v1:propose:mentor:2").is_open


def test_term_end_waits_for_the_mediation_to_be_resolved() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    term_end = pair.state.term_end
    assert term_end is not None
    pair.engage_until(term_end - timedelta(minutes=2))
    pair.send(OpenEscalation(reason="coordinator_concern"))

    pair.advance_to(term_end + timedelta(minutes=1))
    assert pair.state.phase == Phase.MEDIATION

    pair.send(ResolveEscalation(resolution="continue"))
    after = pair.state  # a fresh name: the action changed the state
    assert after.phase == Phase.CLOSING


def test_a_contract_cannot_be_amended_before_there_is_one() -> None:
    pair = Pair()
    pair.accept_match()
    pair.send(OpenEscalation())

    with pytest.raises(DomainError) as error:
        pair.send(ResolveEscalation(resolution="amend_contract"))

    assert error.value.code == ErrorCode.WRONG_PHASE
    pair.send(ResolveEscalation(resolution="continue"))
    assert pair.prompt("onboarding:mentor:2").is_open


def test_partners_are_involved_once_and_only_in_an_open_case() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    with pytest.raises(DomainError) as nothing_open:
        pair.send(InvolvePartners())
    assert nothing_open.value.code == ErrorCode.NO_OPEN_ESCALATION

    pair.send(OpenEscalation())
    assert participant_phase(pair.state) == Phase.ACTIVE
    pair.send(InvolvePartners())
    assert participant_phase(pair.state) == Phase.MEDIATION
    with pytest.raises(DomainError) as twice:
        pair.send(InvolvePartners())
    assert twice.value.code == ErrorCode.PARTNERS_ALREADY_INVOLVED


def test_a_case_resolved_without_involving_them_sends_the_pair_nothing() -> None:
    pair = pair_in_mediation()
    before = pair.state

    events = pair.send(ResolveEscalation(resolution="continue"))

    intents = [i for e in events for i in notifications_for(before, e, pair.state)]
    assert [i for i in intents if i.recipient_role == "participant"] == []
    assert participant_phase(pair.state) == Phase.ACTIVE
