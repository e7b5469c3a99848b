"""The pair meets on the slot they agreed, inside both people's hours, across clock changes."""

from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from domain import (
    ContractProposalAnswer,
    ContractReviewAnswer,
    DomainError,
    MeetingLogAnswer,
    MeetingScheduled,
    RelationshipPolicy,
)
from domain.slots import Availability, MeetingSlot, inside_hours
from domain.state import MeetingStatus
from tests.domain.support import Pair, start_command, terms

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
MENTOR_HOURS = Availability(
    time_zone=BERLIN, working_hours_start=time(9), working_hours_end=time(17, 30)
)
MENTEE_HOURS = Availability(
    time_zone=NEW_YORK, working_hours_start=time(9), working_hours_end=time(17, 30)
)
TUESDAY_15_BERLIN = MeetingSlot(weekday=2, start=time(15), time_zone=BERLIN)
SLOT_TERMS = {"cadence": timedelta(weeks=2), "length": timedelta(hours=1)}


def berlin_new_york_pair() -> Pair:
    """A pair whose contract is proposed in late February: the term spans both clock changes."""
    start = start_command(RelationshipPolicy.standard()).model_copy(
        update={"mentor_availability": MENTOR_HOURS, "mentee_availability": MENTEE_HOURS}
    )
    return Pair(start=start)


def propose(pair: Pair, slot: MeetingSlot, **terms_args: object) -> None:
    pair.onboard()
    args = {**SLOT_TERMS, "term": timedelta(weeks=40), **terms_args}
    proposed = terms(pair.now, **args).model_copy(update={"slot": slot})  # type: ignore[arg-type]
    pair.answer("contract:v1:propose:mentor", ContractProposalAnswer(terms=proposed))


def scheduled(pair: Pair) -> list[datetime]:
    return [e.scheduled_at for e in pair.events if isinstance(e, MeetingScheduled)]


def test_a_slot_outside_one_persons_hours_is_refused() -> None:
    pair = berlin_new_york_pair()
    morning_in_berlin = MeetingSlot(weekday=2, start=time(10), time_zone=BERLIN)

    with pytest.raises(DomainError, match="outside the working hours"):
        propose(pair, morning_in_berlin)

    assert pair.state.pending_contract is None


def test_a_slot_needs_a_cadence_of_whole_weeks() -> None:
    pair = berlin_new_york_pair()

    with pytest.raises(DomainError, match="whole weeks"):
        propose(pair, TUESDAY_15_BERLIN, cadence=timedelta(days=10))


def test_meetings_follow_the_slot_in_both_peoples_hours_across_the_clock_changes() -> None:
    pair = berlin_new_york_pair()
    propose(pair, TUESDAY_15_BERLIN)
    pair.answer("contract:v1:review:mentee", ContractReviewAnswer(decision="accept"))

    term_end = pair.state.term_end
    assert term_end is not None
    pair.engage_until(term_end)

    meetings = scheduled(pair)
    assert len(meetings) >= 15
    for at in meetings:
        in_berlin = at.astimezone(ZoneInfo(BERLIN))
        assert (in_berlin.isoweekday(), in_berlin.time()) == (2, time(15))
        assert inside_hours(MENTOR_HOURS, at, timedelta(hours=1))
        assert inside_hours(MENTEE_HOURS, at, timedelta(hours=1))
    # Fortnightly on the anchor's calendar, whatever the clocks did in between.
    berlin_days = [at.astimezone(ZoneInfo(BERLIN)).date() for at in meetings]
    assert {(b - a).days for a, b in pairwise(berlin_days)} == {14}
    # New York saw its meeting at 09:00 most weeks and at 10:00 when only its clock had moved.
    assert {at.astimezone(ZoneInfo(NEW_YORK)).hour for at in meetings} == {9, 10}


def test_a_moved_meeting_moves_alone_and_the_next_follows_the_slot() -> None:
    pair = berlin_new_york_pair()
    propose(pair, TUESDAY_15_BERLIN)
    pair.answer("contract:v1:review:mentee", ContractReviewAnswer(decision="accept"))
    first = pair.state.meeting(1)
    pair.advance_to(first.ends_at)

    # Not held on Tuesday: moved to Thursday of the same week, where it happens.
    thursday = first.scheduled_at + timedelta(days=2)
    pair.answer("meeting:1:log:mentor", MeetingLogAnswer(happened=False, reschedule_to=thursday))
    pair.advance_to(pair.state.meeting(1).ends_at)
    pair.answer(
        next(p.prompt_id for p in pair.state.open_prompts if p.context.meeting_number == 1),
        MeetingLogAnswer(happened=True),
    )

    assert pair.state.meeting(1).status == MeetingStatus.HELD
    assert pair.state.meeting(2).scheduled_at == first.scheduled_at + timedelta(weeks=2)


def test_the_first_meeting_is_the_first_slot_after_the_invite_can_go_out() -> None:
    pair = berlin_new_york_pair()
    propose(pair, TUESDAY_15_BERLIN)
    pair.answer("contract:v1:review:mentee", ContractReviewAnswer(decision="accept"))

    first = pair.state.meeting(1).scheduled_at
    lead = pair.state.policy.meeting_reminder_lead
    assert pair.now + lead < first <= pair.now + lead + timedelta(weeks=1)
    in_berlin = first.astimezone(ZoneInfo(BERLIN))
    assert (in_berlin.isoweekday(), in_berlin.time()) == (2, time(15))


def test_a_contract_without_a_slot_meets_on_the_cadence_from_the_signature() -> None:
    pair = berlin_new_york_pair()
    pair.sign_contract(**SLOT_TERMS, term=timedelta(weeks=20))  # type: ignore[arg-type]

    assert pair.state.meeting(1).scheduled_at == pair.now + timedelta(weeks=2)
