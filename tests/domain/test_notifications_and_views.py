from datetime import timedelta

from domain import (
    ConsentAnswer,
    PauseRelationship,
    evolve,
    notifications_for,
    operator_summary,
    pending_prompts,
    timeline,
)
from domain.notifications import NotificationIntent
from domain.state import RelationshipState
from tests.domain.support import MENTEE, MENTOR, Pair, checkin


def all_intents(pair: Pair) -> list[NotificationIntent]:
    from domain import initial_state
    from tests.domain.support import start_command

    state: RelationshipState = initial_state(start_command())
    intents = []
    for event in pair.events:
        after = evolve(state, event)
        intents += notifications_for(state, event, after)
        state = after
    return intents


def test_prompts_are_announced_and_reminded_with_keys_from_business_data() -> None:
    pair = Pair()
    pair.run_until_due()

    keys = [i.idempotency_key for i in all_intents(pair)]

    assert "rel-1:prompt:consent:mentor:issued" in keys
    assert "rel-1:prompt:consent:mentee:reminder" in keys


def test_meeting_reminders_reach_both_with_distinct_keys() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=1))
    pair.run_until_due()

    reminders = [i for i in all_intents(pair) if i.template == "meeting_reminder"]

    assert {i.recipient_id for i in reminders} == {MENTOR, MENTEE}
    assert {i.idempotency_key for i in reminders} == {
        "rel-1:meeting:1:reminder:mentor",
        "rel-1:meeting:1:reminder:mentee",
    }


def test_idempotency_keys_are_unique_across_a_whole_relationship() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(minutes=40))
    term_end = pair.state.term_end
    assert term_end is not None
    pair.engage_until(term_end - timedelta(minutes=20))
    pair.send(PauseRelationship())

    keys = [i.idempotency_key for i in all_intents(pair)]

    assert len(keys) == len(set(keys))


def test_decline_reason_is_only_for_the_coordinator() -> None:
    pair = Pair()
    pair.answer("consent:mentor", ConsentAnswer(decision="decline", reason="conflict"))
    for intent in all_intents(pair):
        if "conflict" in str(intent.data):
            assert intent.recipient_role == "coordinator"


def test_views_show_no_private_text_and_no_names() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=2))
    pair.advance_to_checkin()
    pair.answer("checkin:1:mentee", checkin(tension=True, note="secret worry"))

    summary = operator_summary(pair.state, pair.now)
    lines = timeline(pair.state) + timeline(pair.state, pair.events)

    assert "mediation" in summary
    assert "escalation:1" in summary
    for text in [summary, *lines]:
        assert "secret worry" not in text
        assert MENTEE not in text
    assert any("escalation:1 opened (tension_flag)" in line for line in lines)


def test_pending_prompts_are_per_person_and_soonest_first() -> None:
    pair = Pair()
    pair.answer("consent:mentor", ConsentAnswer(decision="accept"))

    assert [p.prompt_id for p in pending_prompts(pair.state, MENTEE)] == ["consent:mentee"]
    assert pending_prompts(pair.state, MENTOR) == []
    assert len(pending_prompts(pair.state)) == 1
