from datetime import timedelta

from domain import ExtendTerm, Phase, PromptKind
from domain.events import RecognitionGranted, RelationshipCompleted
from domain.state import MeetingStatus
from tests.domain.support import MENTEE, MENTOR, Pair, reflection, types


def pair_at_term_end() -> Pair:
    pair = Pair()
    pair.sign_contract(term=timedelta(minutes=10))
    term_end = pair.state.term_end
    assert term_end is not None
    pair.engage_until(term_end)
    return pair


def test_term_end_starts_closing_with_a_reflection_for_each() -> None:
    pair = pair_at_term_end()

    assert pair.state.phase == Phase.CLOSING
    assert pair.prompt("closing:reflection:mentor").kind == PromptKind.CLOSING_REFLECTION
    assert pair.prompt("closing:reflection:mentee").recipient_id == MENTEE
    assert pair.state.next_checkin_at is None


def test_both_reflections_grant_recognition_and_complete() -> None:
    pair = pair_at_term_end()

    pair.answer("closing:reflection:mentor", reflection())
    events = pair.answer("closing:reflection:mentee", reflection())

    granted = [e for e in events if isinstance(e, RecognitionGranted)]
    assert {g.participant_id for g in granted} == {MENTOR, MENTEE}
    completed = events[-1]
    assert isinstance(completed, RelationshipCompleted)
    assert completed.continue_informally
    assert pair.state.phase == Phase.COMPLETED


def test_both_wanting_renewal_starts_a_new_term_in_contracting() -> None:
    pair = pair_at_term_end()

    pair.answer("closing:reflection:mentor", reflection(renew=True))
    events = pair.answer("closing:reflection:mentee", reflection(renew=True))

    assert "term_renewed" in types(events)
    assert pair.state.phase == Phase.CONTRACTING
    assert pair.state.term_number == 2
    assert pair.prompt("contract:v2:propose:mentor").is_open


def test_one_wanting_renewal_is_not_enough() -> None:
    pair = pair_at_term_end()
    pair.answer("closing:reflection:mentor", reflection(renew=True))
    pair.answer("closing:reflection:mentee", reflection(renew=False))
    assert pair.state.phase == Phase.COMPLETED


def test_closing_deadline_completes_with_a_missing_reflection() -> None:
    pair = pair_at_term_end()
    pair.answer("closing:reflection:mentor", reflection(renew=True))

    events = pair.advance(pair.state.policy.closing_window)

    granted = [e for e in events if isinstance(e, RecognitionGranted)]
    assert {g.participant_id: g.reflection_submitted for g in granted} == {
        MENTOR: True,
        MENTEE: False,
    }
    assert pair.state.phase == Phase.COMPLETED


def test_term_extension_postpones_closing() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(minutes=10))
    term_end = pair.state.term_end
    assert term_end is not None

    pair.send(ExtendTerm(new_term_end=term_end + timedelta(minutes=10)))
    pair.engage_until(term_end)

    assert pair.state.phase == Phase.ACTIVE


def test_a_meeting_awaiting_its_log_counts_as_missed_when_the_relationship_completes() -> None:
    pair = Pair()
    pair.sign_contract(term=timedelta(minutes=10))
    term_end = pair.state.term_end
    assert term_end is not None
    # The last meeting ends just before the term; nobody logs it before closing starts.
    pair.engage_until(term_end - timedelta(seconds=75))
    pair.advance_to(term_end)
    awaiting = pair.state.pending_meeting
    assert awaiting is not None
    assert awaiting.status == MeetingStatus.AWAITING_LOG

    pair.answer("closing:reflection:mentor", reflection())
    pair.answer("closing:reflection:mentee", reflection())

    assert pair.state.phase == Phase.COMPLETED
    assert pair.state.pending_meeting is None
    assert pair.state.meeting(awaiting.number).status == MeetingStatus.MISSED
