"""Health of a pair: green, amber or red, always with the reasons behind amber and red."""

from collections.abc import Iterator
from datetime import datetime

from domain.assessment import HealthAssessment, HealthLevel, HealthReason
from domain.prompts import PromptStatus
from domain.state import CheckInRecord, Meeting, MeetingStatus, RelationshipState


def assess_health(state: RelationshipState, now: datetime) -> HealthAssessment:
    reasons = health_reasons(state, now)
    return HealthAssessment(level=health_level(reasons), reasons=reasons)


def health_reasons(state: RelationshipState, now: datetime) -> tuple[HealthReason, ...]:
    """The reasons of `assess_health`. Health is reassessed after every step of a decision and
    rarely changes, so each part comes from values the state derives once and keeps while
    what they read stays the same (`domain.base.derived_from`)."""
    return (
        *_meeting_reasons(state, now),
        *state.checkin_health_reasons,
        *_unanswered_reasons(state),
    )


def health_level(reasons: tuple[HealthReason, ...]) -> HealthLevel:
    if not reasons:
        return HealthLevel.GREEN  # nearly every reassessment of a healthy pair
    return max((r.level for r in reasons), key=lambda lvl: lvl.rank)


def checkin_health_reasons(state: RelationshipState) -> tuple[HealthReason, ...]:
    """The reasons that read only the check-ins (and the policy and the pair)."""
    return (*_checkin_reasons(state), *_answer_gap_reasons(state))


def _reason(code: str, detail: str, level: HealthLevel) -> HealthReason:
    return HealthReason(code=code, detail=detail, level=level)


def _graded(value: float, amber: float, red: float) -> HealthLevel | None:
    """Grade a value where *lower* is worse."""
    if value <= red:
        return HealthLevel.RED
    if value <= amber:
        return HealthLevel.AMBER
    return None


# -- meetings: judged against the pair's own cadence, i.e. the meetings they scheduled ---------


def meeting_reasons_of_term(
    state: RelationshipState,
) -> tuple[datetime | None, tuple[HealthReason, ...]]:
    """The meeting reasons once every held or missed meeting of the term counts, and the latest
    time one of them was scheduled: from then on (always, in practice: a meeting is logged
    after it) the reasons at any moment are these."""
    resolved = [
        m
        for m in state.meetings
        if m.term_number == state.term_number
        and m.status in (MeetingStatus.HELD, MeetingStatus.MISSED)
    ]
    latest = max((m.scheduled_at for m in resolved), default=None)
    return latest, tuple(_reasons_of_meetings(state, resolved))


def _meeting_reasons(state: RelationshipState, now: datetime) -> tuple[HealthReason, ...]:
    latest, reasons = state.meeting_reasons_of_term
    if latest is None or latest <= now:
        return reasons
    resolved = [
        m
        for m in state.meetings
        if m.term_number == state.term_number
        and m.status in (MeetingStatus.HELD, MeetingStatus.MISSED)
        and m.scheduled_at <= now
    ]
    return tuple(_reasons_of_meetings(state, resolved))


def _missed_in_a_row(meetings: list[Meeting]) -> int:
    streak = 0
    for meeting in reversed(meetings):
        if meeting.status != MeetingStatus.MISSED:
            break
        streak += 1
    return streak


def _reasons_of_meetings(
    state: RelationshipState, resolved: list[Meeting]
) -> Iterator[HealthReason]:
    thresholds = state.policy.health
    streak = _missed_in_a_row(resolved)
    if streak >= thresholds.missed_in_a_row_red:
        yield _reason("missed_meetings", f"{streak} meetings missed in a row", HealthLevel.RED)
    elif streak >= thresholds.missed_in_a_row_amber:
        yield _reason("missed_meetings", f"{streak} meeting(s) missed in a row", HealthLevel.AMBER)
    if len(resolved) < thresholds.adherence_min_meetings:
        return
    held = sum(1 for m in resolved if m.status == MeetingStatus.HELD)
    adherence = held / len(resolved)
    # Strictly below the threshold counts; `_graded` is inclusive, so nudge by a hair.
    level = _graded(adherence + 1e-9, thresholds.adherence_amber, thresholds.adherence_red)
    if level is not None:
        detail = f"adherence {adherence:.0%} ({held} of {len(resolved)} meetings held)"
        yield _reason("low_adherence", detail, level)


# -- check-ins: each person's latest answers --------------------------------------------------


def _latest_checkins(state: RelationshipState) -> list[CheckInRecord]:
    latest: dict[str, CheckInRecord] = {}
    for record in state.checkins:
        latest[record.respondent_id] = record
    return [latest[pid] for pid in state.participants if pid in latest]


def _checkin_reasons(state: RelationshipState) -> Iterator[HealthReason]:
    thresholds = state.policy.health
    for record in _latest_checkins(state):
        role = state.role_of(record.respondent_id)
        scores = (
            ("low_satisfaction", "satisfaction", record.satisfaction),
            ("low_psychological_safety", "psychological safety", record.psychological_safety),
        )
        for code, label, score in scores:
            level = _graded(score, thresholds.score_amber, thresholds.score_red)
            if level is not None:
                yield _reason(code, f"{role} {label} {score}/5", level)
        progress = record.average_progress
        if progress is not None and progress <= thresholds.score_amber:
            yield _reason(
                "low_progress", f"{role} goal progress {progress:.1f}/5", HealthLevel.AMBER
            )
        if record.focus != "on_track":
            yield _reason("focus_drift", f"{role} reports {record.focus.value}", HealthLevel.AMBER)


def _answer_gap_reasons(state: RelationshipState) -> Iterator[HealthReason]:
    """Two people describing different relationships is a signal in itself."""
    by_round: dict[int, dict[str, CheckInRecord]] = {}
    for record in state.checkins:
        by_round.setdefault(record.round_number, {})[record.respondent_id] = record
    complete = [answers for answers in by_round.values() if len(answers) == 2]
    if not complete:
        return
    first, second = complete[-1].values()
    gap = state.policy.health.answer_gap_amber
    for label, a, b in (
        ("satisfaction", first.satisfaction, second.satisfaction),
        ("psychological safety", first.psychological_safety, second.psychological_safety),
    ):
        if abs(a - b) >= gap:
            yield _reason(
                "answer_gap", f"{label} differs by {abs(a - b)} points", HealthLevel.AMBER
            )


# -- prompts nobody answered ------------------------------------------------------------------


def unanswered_in_a_row(state: RelationshipState, participant_id: str) -> int:
    """Expired prompts since this person last answered one (ghosting shows up here first)."""
    return state.unanswered_streaks.get(participant_id, 0)


def unanswered_streaks(state: RelationshipState) -> dict[str, int]:
    """`unanswered_in_a_row` of every recipient, in one pass over the prompts (in issue order)."""
    streaks: dict[str, int] = {}
    for prompt in state.prompts.values():
        if prompt.status == PromptStatus.EXPIRED:
            streaks[prompt.recipient_id] = streaks.get(prompt.recipient_id, 0) + 1
        elif prompt.status == PromptStatus.ANSWERED:
            streaks[prompt.recipient_id] = 0
    return streaks


def _unanswered_reasons(state: RelationshipState) -> Iterator[HealthReason]:
    thresholds = state.policy.health
    for pid in state.participants:
        streak = unanswered_in_a_row(state, pid)
        level = None
        if streak >= thresholds.unanswered_red:
            level = HealthLevel.RED
        elif streak >= thresholds.unanswered_amber:
            level = HealthLevel.AMBER
        if level is not None:
            detail = f"{state.role_of(pid)} left {streak} prompts unanswered in a row"
            yield _reason("unanswered_prompts", detail, level)
