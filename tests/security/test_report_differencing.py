"""Threat: a reader of programme reports (a coordinator, an HR key holder) works out a figure the
report withholds, by subtraction.

Two attacks: the programme's totals minus the cohorts shown give a small cohort's figures; two
reads of the report around one check-in whose author the reader knows give that person's
scores. Real PostgreSQL; the report is read the way the HR API and the report page read it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import PromptKind
from projections.report_model import GroupFigures, ProgrammeReport
from projections.reports import programme_report
from store.database import Pool
from tests.domain.support import T0, checkin
from tests.projections.builders import NamedPair, record
from tests.security.privacy_support import completed_pairs

K = 5
LATER_QUARTER = T0 + timedelta(days=100)
TWO_QUARTERS_ON = T0 + timedelta(days=190)


def _shown(report: ProgrammeReport) -> list[GroupFigures]:
    return [c.figures for c in report.cohorts if c.figures is not None]


def _withheld_relationships(report: ProgrammeReport) -> int:
    """What the programme minus the cohorts shown gives away: the withheld cohorts' size."""
    assert report.programme.figures is not None
    return report.programme.figures.relationships - sum(f.relationships for f in _shown(report))


async def test_programme_minus_the_cohorts_shown_never_isolates_a_small_cohort(
    pg_pool: Pool,
) -> None:
    # Six pairs in one intake, two in the next: the second intake is below the minimum.
    await completed_pairs(pg_pool, "prog-diff", 6)
    await completed_pairs(pg_pool, "prog-diff", 2, first=7, at=LATER_QUARTER)

    async with pg_pool.acquire() as conn:
        report = await programme_report(conn, "prog-diff", min_group_size=K)

    programme = report.programme.figures
    assert programme is not None, "the programme itself is large enough to be shown"
    remainder = _withheld_relationships(report)
    assert remainder == 0 or remainder >= K, (
        f"programme minus the cohorts shown leaves {remainder} relationship(s): "
        "their completions, meetings and escalations are readable by subtraction"
    )
    shown_completed = sum(f.completed for f in _shown(report))
    assert programme.completed - shown_completed in (0, *range(K, programme.relationships + 1))


async def test_the_smallest_shown_cohort_is_withheld_with_a_small_one_and_the_rest_shown(
    pg_pool: Pool,
) -> None:
    # Intakes of 6, 7 and 2: withholding the 2 alone gives it away, so the 6 goes too; the 7 stays.
    await completed_pairs(pg_pool, "prog-three", 6)
    await completed_pairs(pg_pool, "prog-three", 7, first=7, at=LATER_QUARTER)
    await completed_pairs(pg_pool, "prog-three", 2, first=14, at=TWO_QUARTERS_ON)

    async with pg_pool.acquire() as conn:
        report = await programme_report(conn, "prog-three", min_group_size=K)

    assert [(c.key, c.suppressed, c.reason) for c in report.cohorts] == [
        ("2025-Q1", True, "complementary"),
        ("2025-Q2", False, None),
        ("2025-Q3", True, "small_group"),
    ]
    assert _withheld_relationships(report) == 8


async def test_one_new_check_in_does_not_move_any_published_figure(pg_pool: Pool) -> None:
    # Six pairs answered their check-ins over a month ago: a closed round of enough people.
    month_ago = datetime.now(UTC) - timedelta(days=45)
    await completed_pairs(pg_pool, "prog-reads", 6, at=month_ago)
    # A seventh pair is just reaching its first check-in; the reader knows when the mentor answers.
    pair = NamedPair(7, "prog-reads", at=datetime.now(UTC) - timedelta(minutes=10))
    pair.sign_contract()
    pair.advance_to_checkin()
    await record(pg_pool, pair.relationship_id, pair.events, 1)
    async with pg_pool.acquire() as conn:
        before = await programme_report(conn, "prog-reads", min_group_size=K)

    mentor_checkin = next(
        p for p in pair.state.open_prompts_of(PromptKind.CHECKIN) if p.recipient_id.startswith("m")
    )
    already = len(pair.events)
    pair.answer(mentor_checkin.prompt_id, checkin(satisfaction=1, safety=1))
    await record(pg_pool, pair.relationship_id, pair.events[already:], already + 1)
    async with pg_pool.acquire() as conn:
        after = await programme_report(conn, "prog-reads", min_group_size=K)

    assert before.programme.figures is not None
    assert after.programme.figures is not None
    published = before.programme.figures.mentor_satisfaction
    assert not published.suppressed, "a closed round of six people is published"
    assert after.programme.figures.mentor_satisfaction == published
    assert after.programme.figures.mentor_psychological_safety == (
        before.programme.figures.mentor_psychological_safety
    )


async def test_a_closed_round_with_fewer_than_k_people_never_joins_the_figures(
    pg_pool: Pool,
) -> None:
    await completed_pairs(pg_pool, "prog-late", 6)  # every answer: satisfaction 4
    # One more pair answers (satisfaction 1) in a later month, long closed: a round of two people.
    report = await _report_after_one_more_pair(pg_pool, "prog-late", T0 + timedelta(days=40))

    figures = report.programme.figures
    assert figures is not None
    assert figures.mentor_satisfaction.value == 4.0
    assert figures.mentee_satisfaction.value == 4.0
    assert figures.mentee_satisfaction.respondents == 6


async def test_published_means_are_rounded_to_one_decimal(pg_pool: Pool) -> None:
    # Six pairs answering 4, a seventh answering 1 in the same round: the exact mean has many
    # decimals, and each decimal published narrows down who answered what.
    await completed_pairs(pg_pool, "prog-round", 6)
    report = await _report_after_one_more_pair(pg_pool, "prog-round", T0)

    figures = report.programme.figures
    assert figures is not None
    for figure in (figures.mentor_satisfaction, figures.mentee_psychological_safety):
        assert figure.value is not None
        assert figure.value < 4.0
        assert round(figure.value, 1) == figure.value


async def _report_after_one_more_pair(
    pool: Pool, programme_id: str, at: datetime
) -> ProgrammeReport:
    pair = NamedPair(99, programme_id, at=at)
    pair.sign_contract()
    pair.advance_to_checkin()
    goals = len(pair.state.contract.terms.goals) if pair.state.contract else 0
    for prompt in pair.state.open_prompts_of(PromptKind.CHECKIN):
        pair.answer(prompt.prompt_id, checkin(goals, satisfaction=1, safety=1))
    await record(pool, pair.relationship_id, pair.events, 1)
    async with pool.acquire() as conn:
        return await programme_report(conn, programme_id, min_group_size=K)
