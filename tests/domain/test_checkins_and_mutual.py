from datetime import timedelta

import pytest

from domain import (
    DomainError,
    GoalDirection,
    HealthLevel,
    InvolvePartners,
    Mode,
    MutualConsentAnswer,
    Phase,
    notifications_for,
)
from domain.events import EscalationOpened
from domain.views import participant_phase
from tests.domain.support import COORDINATOR, MENTEE, MENTOR, Pair, checkin, goal, types


def pair_at_first_checkin() -> Pair:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    pair.advance_to_checkin()
    return pair


def test_checkins_are_issued_privately_to_each_person_every_interval() -> None:
    pair = pair_at_first_checkin()

    first = pair.prompt("checkin:1:mentor")
    assert first.recipient_id == MENTOR
    assert pair.prompt("checkin:1:mentee").recipient_id == MENTEE
    assert pair.state.next_checkin_at == first.issued_at + pair.state.policy.checkin_interval


def test_tension_flag_opens_an_escalation_without_revealing_who_raised_it() -> None:
    pair = pair_at_first_checkin()
    before = pair.state

    events = pair.answer(
        "checkin:1:mentor", checkin(tension=True, note="I cannot speak freely", safety=2)
    )

    opened = next(e for e in events if isinstance(e, EscalationOpened))
    assert opened.reasons == ("tension_flag",)
    assert opened.escalation_id == "escalation:1"
    assert pair.state.phase == Phase.MEDIATION
    assert opened.private_note == "I cannot speak freely"  # travels in the coordinator's case
    # Nothing reaches either person yet, and both still see the phase they were in.
    assert notifications_for(before, opened, pair.state) == []
    assert participant_phase(pair.state) == Phase.ACTIVE

    involving = pair.state
    involved = pair.send(InvolvePartners())
    assert participant_phase(pair.state) == Phase.MEDIATION
    intents = notifications_for(involving, involved[0], pair.state)
    participants = [i for i in intents if i.recipient_role == "participant"]
    assert all(i.recipient_id != COORDINATOR for i in intents)
    assert {i.recipient_id for i in participants} == {MENTOR, MENTEE}
    for intent in participants:
        assert intent.template == "mediation_started"
        assert "private_note" not in intent.data
        assert "raised_by" not in intent.data
        assert "I cannot speak freely" not in str(intent.data)
    stripped = [{k: v for k, v in i.data.items() if k != "participant_role"} for i in participants]
    assert stripped[0] == stripped[1]  # the same message for both


def test_answers_that_differ_widely_turn_health_amber() -> None:
    pair = pair_at_first_checkin()

    pair.answer("checkin:1:mentor", checkin(satisfaction=5))
    pair.answer("checkin:1:mentee", checkin(satisfaction=3))

    assert pair.state.health.level == HealthLevel.AMBER
    assert "answer_gap" in pair.state.health.reason_codes


def test_very_low_safety_turns_health_red_and_escalates() -> None:
    pair = pair_at_first_checkin()

    pair.answer("checkin:1:mentee", checkin(safety=1))

    assert pair.state.health.level == HealthLevel.RED
    assert pair.state.escalation_open


def test_learning_both_ways_asks_the_other_person_for_mutual_consent() -> None:
    pair = pair_at_first_checkin()
    back = goal(9, GoalDirection.MENTEE_TO_MENTOR)

    events = pair.answer("checkin:1:mentor", checkin(both_ways=True, other_goals=[back]))

    assert "mutual_proposed" in types(events)
    assert pair.prompt("mutual:consent:mentee").recipient_id == MENTEE


def test_mutual_consent_makes_the_mode_mutual_and_amends_the_contract() -> None:
    pair = pair_at_first_checkin()
    back = goal(9, GoalDirection.MENTEE_TO_MENTOR)
    pair.answer("checkin:1:mentor", checkin(both_ways=True, other_goals=[back]))

    events = pair.answer("mutual:consent:mentee", MutualConsentAnswer(consent=True))

    assert types(events)[1:4] == ["mode_became_mutual", "contract_proposed", "contract_signed"]
    assert pair.state.mode == Mode.MUTUAL
    contract = pair.state.contract
    assert contract is not None
    assert contract.version == 2
    assert set(contract.signed_by) == {MENTOR, MENTEE}
    assert contract.terms.goals_in(GoalDirection.MENTEE_TO_MENTOR) == (back,)
    # Check-ins now ask about the goals of both directions.
    with pytest.raises(DomainError):
        pair.answer("checkin:1:mentee", checkin(goals=2))
    pair.answer("checkin:1:mentee", checkin(goals=3))


def test_mutual_consent_needs_at_least_one_goal_for_the_other_direction() -> None:
    pair = pair_at_first_checkin()
    pair.answer("checkin:1:mentor", checkin(both_ways=True))

    with pytest.raises(DomainError) as error:
        pair.answer("mutual:consent:mentee", MutualConsentAnswer(consent=True))

    assert "at least one goal" in error.value.message


def test_refusing_mutual_mode_keeps_reverse_and_is_not_asked_again_this_term() -> None:
    pair = pair_at_first_checkin()
    pair.answer("checkin:1:mentee", checkin(both_ways=True))

    pair.answer("mutual:consent:mentor", MutualConsentAnswer(consent=False))

    assert pair.state.mode == Mode.REVERSE
    pair.answer("checkin:1:mentor", checkin(both_ways=True))
    assert not [p for p in pair.state.open_prompts if p.prompt_id.startswith("mutual")]
