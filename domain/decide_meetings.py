"""Meetings on the agreed cadence: reminder before, log after, missed if nobody confirms."""

from domain.decision import Decision
from domain.events import (
    MeetingHeld,
    MeetingLogSubmitted,
    MeetingReminderDue,
    MeetingRescheduled,
    PromptClosed,
)
from domain.prompt_issue import issue_meeting_logs
from domain.prompts import MeetingLogAnswer, Prompt
from domain.state import MeetingStatus
from domain.steps import ensure_schedule, open_logs_for, settle_if_nobody_confirmed


def send_meeting_reminder(d: Decision, number: int) -> None:
    meeting = d.state.meeting(number)
    contract = d.state.contract
    assert contract is not None  # meetings are only scheduled under a contract
    d.emit(
        MeetingReminderDue(
            occurred_at=d.now,
            meeting_number=number,
            revision=meeting.revision,
            scheduled_at=meeting.scheduled_at,
            ends_at=meeting.ends_at,
            meeting_format=contract.terms.meeting_format,
        )
    )


def request_meeting_logs(d: Decision, number: int) -> None:
    issue_meeting_logs(d, d.state.meeting(number))


def answer_meeting_log(
    d: Decision, prompt: Prompt, respondent_id: str, answer: MeetingLogAnswer
) -> None:
    number = prompt.context.meeting_number
    assert number is not None  # meeting-log prompts always name their meeting
    d.emit(
        MeetingLogSubmitted(
            occurred_at=d.now,
            meeting_number=number,
            respondent_id=respondent_id,
            happened=answer.happened,
            learned=answer.learned,
            taught=answer.taught,
        )
    )
    if d.state.meeting(number).status != MeetingStatus.AWAITING_LOG:
        return  # already settled; the log still counts as learning on record
    if answer.happened:
        # One confirmation is enough: a meeting needs both people, so one saw it happen.
        d.emit(MeetingHeld(occurred_at=d.now, meeting_number=number, confirmed_by=respondent_id))
        ensure_schedule(d)
    elif answer.reschedule_to is not None:
        _reschedule(d, number, respondent_id, answer)
    else:
        settle_if_nobody_confirmed(d, number)


def _reschedule(d: Decision, number: int, respondent_id: str, answer: MeetingLogAnswer) -> None:
    assert answer.reschedule_to is not None
    contract = d.state.contract
    assert contract is not None
    for other in open_logs_for(d, number):
        d.emit(
            PromptClosed(
                occurred_at=d.now,
                prompt_id=other.prompt_id,
                recipient_id=other.recipient_id,
                reason="superseded",
            )
        )
    new_start = answer.reschedule_to
    d.emit(
        MeetingRescheduled(
            occurred_at=d.now,
            meeting_number=number,
            previous_scheduled_at=d.state.meeting(number).scheduled_at,
            scheduled_at=new_start,
            ends_at=new_start + contract.terms.meeting_length,
            reminder_at=max(new_start - d.policy.meeting_reminder_lead, d.now),
            requested_by=respondent_id,
        )
    )


def after_meeting_log_expired(d: Decision, prompt: Prompt) -> None:
    if prompt.context.meeting_number is not None:
        settle_if_nobody_confirmed(d, prompt.context.meeting_number)
