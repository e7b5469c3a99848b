from datetime import timedelta

from domain import HealthLevel, MeetingLogAnswer, Phase, PromptKind
from domain.events import MeetingReminderDue
from domain.state import MeetingStatus
from tests.domain.support import MENTEE, MENTOR, Pair, checkin, types


def active_pair() -> Pair:
    pair = Pair()
    pair.sign_contract(term=timedelta(hours=3))
    return pair


def test_meeting_is_reminded_before_and_logged_after() -> None:
    pair = active_pair()
    meeting = pair.state.meetings[0]

    reminder = pair.run_until_due()
    assert types(reminder) == ["meeting_reminder_due"]
    assert isinstance(reminder[0], MeetingReminderDue)
    assert pair.now == meeting.scheduled_at - pair.state.policy.meeting_reminder_lead

    logs = pair.run_until_due()
    assert pair.now == meeting.ends_at
    assert types(logs) == ["prompt_issued", "prompt_issued"]
    log = pair.prompt("meeting:1:log:mentee")
    assert log.kind == PromptKind.MEETING_LOG
    assert log.due_at == meeting.ends_at + pair.state.policy.meeting_log_window
    assert pair.state.meetings[0].status == MeetingStatus.AWAITING_LOG


def test_one_confirmation_marks_the_meeting_held_and_schedules_the_next_on_cadence() -> None:
    pair = active_pair()
    pair.run_until_due()
    pair.run_until_due()
    first = pair.state.meetings[0]

    events = pair.answer("meeting:1:log:mentee", MeetingLogAnswer(happened=True, learned="x"))

    assert types(events)[:3] == ["prompt_closed", "meeting_log_submitted", "meeting_held"]
    assert pair.state.meetings[0].status == MeetingStatus.HELD
    contract = pair.state.contract
    assert contract is not None
    assert pair.state.meetings[1].scheduled_at == first.scheduled_at + contract.terms.cadence
    # The other person can still say what they learned.
    assert pair.prompt("meeting:1:log:mentor").is_open


def test_rescheduling_moves_the_meeting_and_reminds_again() -> None:
    pair = active_pair()
    pair.run_until_due()
    pair.run_until_due()
    new_time = pair.now + timedelta(minutes=2)

    events = pair.answer(
        "meeting:1:log:mentor", MeetingLogAnswer(happened=False, reschedule_to=new_time)
    )

    assert "meeting_rescheduled" in types(events)
    meeting = pair.state.meetings[0]
    assert meeting.scheduled_at == new_time
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.revision == 1
    assert not pair.prompt("meeting:1:log:mentee").is_open
    reminder = pair.run_until_due()
    assert types(reminder) == ["meeting_reminder_due"]
    assert pair.now == new_time - pair.state.policy.meeting_reminder_lead


def test_meeting_nobody_confirms_by_the_deadline_is_missed() -> None:
    pair = active_pair()
    pair.run_until_due()
    pair.run_until_due()
    pair.answer("meeting:1:log:mentor", MeetingLogAnswer(happened=False))
    assert pair.state.meetings[0].status == MeetingStatus.AWAITING_LOG

    pair.answer("meeting:1:log:mentee", MeetingLogAnswer(happened=False))

    after = pair.state  # a fresh name: the action changed the state
    assert after.meetings[0].status == MeetingStatus.MISSED
    assert pair.state.meetings[1].status == MeetingStatus.SCHEDULED


def test_missed_meetings_turn_health_amber_then_red_and_escalate() -> None:
    pair = active_pair()

    def let_meeting_lapse(number: int) -> None:
        while pair.state.meetings[number - 1].status != MeetingStatus.MISSED:
            pair.run_until_due()
            for prompt in list(pair.state.open_prompts):
                if prompt.kind == PromptKind.CHECKIN:  # keep check-ins out of the picture
                    pair.answer(prompt.prompt_id, checkin())

    let_meeting_lapse(1)
    assert pair.state.health.level == HealthLevel.AMBER
    assert "missed_meetings" in pair.state.health.reason_codes

    let_meeting_lapse(2)
    after = pair.state  # a fresh name: the action changed the state
    assert after.health.level == HealthLevel.RED
    assert pair.state.phase == Phase.MEDIATION
    escalation = pair.state.open_escalation
    assert escalation is not None
    assert "missed_meetings" in escalation.reasons
    assert escalation.raised_by == "system"
    # Meetings keep their rhythm during mediation.
    assert pair.state.pending_meeting is not None


def test_meeting_logs_can_come_from_either_participant_only() -> None:
    pair = active_pair()
    pair.run_until_due()
    pair.run_until_due()
    assert {p.recipient_id for p in pair.state.open_prompts} == {MENTOR, MENTEE}
