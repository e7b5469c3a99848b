from datetime import timedelta

from domain import ConsentAnswer, Phase, PromptKind, next_due_at, notifications_for
from domain.events import MatchDeclined, ProposalExpired
from tests.domain.support import COORDINATOR, MENTEE, MENTOR, T0, Pair, types


def test_start_proposes_and_asks_both_people_for_consent() -> None:
    pair = Pair()

    assert types(pair.events) == ["relationship_proposed", "prompt_issued", "prompt_issued"]
    assert pair.state.phase == Phase.PROPOSED
    consent = pair.prompt("consent:mentor")
    assert consent.kind == PromptKind.CONSENT
    assert consent.recipient_id == MENTOR
    assert consent.due_at == T0 + pair.state.policy.consent_deadline
    assert consent.remind_at == consent.due_at - pair.state.policy.prompt_reminder_lead
    assert pair.state.awaiting_response_from == (MENTOR, MENTEE)


def test_both_accepting_starts_onboarding() -> None:
    pair = Pair()

    pair.answer("consent:mentor", ConsentAnswer(decision="accept"))
    assert pair.state.phase == Phase.PROPOSED
    events = pair.answer("consent:mentee", ConsentAnswer(decision="accept"))

    assert "onboarding_started" in types(events)
    after = pair.state  # a fresh name: the action changed the state
    assert after.phase == Phase.ONBOARDING
    assert {p.prompt_id for p in pair.state.open_prompts} == {
        "onboarding:mentor",
        "onboarding:mentee",
    }


def test_decline_ends_proposal_and_requests_rematch() -> None:
    pair = Pair()
    before = pair.state

    events = pair.answer("consent:mentee", ConsentAnswer(decision="decline", reason="too busy"))

    declined = events[-1]
    assert isinstance(declined, MatchDeclined)
    assert declined.rematch_requested
    assert pair.state.phase == Phase.DECLINED
    assert pair.state.rematch_requested
    assert pair.state.open_prompts == ()
    intents = notifications_for(before, declined, pair.state)
    assert [i.recipient_id for i in intents] == [COORDINATOR]
    assert intents[0].data["reason"] == "too busy"


def test_consent_is_reminded_then_expires_into_declined() -> None:
    pair = Pair()
    policy = pair.state.policy

    reminders = pair.run_until_due()
    assert types(reminders) == ["prompt_reminder_due", "prompt_reminder_due"]
    assert pair.now == T0 + policy.consent_deadline - policy.prompt_reminder_lead

    pair.answer("consent:mentor", ConsentAnswer(decision="accept"))
    expiry = pair.advance(timedelta(hours=1))

    assert types(expiry)[-1] == "proposal_expired"
    expired = expiry[-1]
    assert isinstance(expired, ProposalExpired)
    assert expired.missing_consent_from == (MENTEE,)
    assert pair.state.phase == Phase.DECLINED
    assert pair.state.end_reason == "expired"
    assert next_due_at(pair.state) is None
