"""Programme reports and metrics: figures from the read tables, small groups suppressed."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.state import Phase
from projections.escalations import escalation_cases, programme_metrics
from projections.reports import programme_report
from store import escalations
from store.database import Pool
from store.escalations import NewEscalation
from tests.domain.support import T0
from tests.projections.builders import NamedPair, record

NEXT_QUARTER = T0 + timedelta(days=100)


async def _completed_pairs(
    pool: Pool, programme_id: str, count: int, first: int = 1, at: datetime = T0
) -> list[NamedPair]:
    pairs = []
    for n in range(first, first + count):
        pair = NamedPair(n, programme_id, at=at)
        pair.run_to_completion(achieved=1)
        await record(pool, pair.relationship_id, pair.events, 1)
        pairs.append(pair)
    return pairs


async def test_a_programme_of_six_pairs_shows_figures_and_one_of_four_shows_none(
    pg_pool: Pool,
) -> None:
    await _completed_pairs(pg_pool, "prog-big", 6)
    await _completed_pairs(pg_pool, "prog-small", 4)

    async with pg_pool.acquire() as conn:
        big = await programme_report(conn, "prog-big", min_group_size=5)
        small = await programme_report(conn, "prog-small", min_group_size=5)

    figures = big.programme.figures
    assert not big.programme.suppressed
    assert figures is not None
    assert figures.relationships == 6
    assert figures.completed == 6
    assert figures.completion_rate == 1.0
    assert figures.meeting_adherence == 1.0
    assert figures.mentor_satisfaction.respondents == 6
    assert figures.mentor_satisfaction.value == 4.0
    assert figures.mentee_satisfaction.value == 4.0
    assert figures.goal_attainment.value == 0.5  # one of the two goals, by every respondent

    assert small.programme.suppressed
    assert small.programme.figures is None
    assert all(cohort.suppressed and cohort.figures is None for cohort in small.cohorts)


async def test_a_small_cohort_and_its_complement_are_withheld_inside_a_programme_shown(
    pg_pool: Pool,
) -> None:
    await _completed_pairs(pg_pool, "prog-1", 6)
    await _completed_pairs(pg_pool, "prog-1", 2, first=7, at=NEXT_QUARTER)

    async with pg_pool.acquire() as conn:
        report = await programme_report(conn, "prog-1", min_group_size=5)

    assert report.programme.figures is not None
    assert report.programme.figures.relationships == 8
    # The programme minus 2025-Q1 would be 2025-Q2, so 2025-Q1 is withheld with it.
    assert [(c.key, c.suppressed, c.reason) for c in report.cohorts] == [
        ("2025-Q1", True, "complementary"),
        ("2025-Q2", True, "small_group"),
    ]
    assert all(c.figures is None for c in report.cohorts)


async def test_answer_figures_are_withheld_when_too_few_people_answered(pg_pool: Pool) -> None:
    # Two pairs: two people per side answered check-ins, four people reflected.
    await _completed_pairs(pg_pool, "prog-1", 2)
    for n in range(3, 7):
        pair = NamedPair(n, "prog-1")  # proposed only: nobody has answered a check-in
        await record(pg_pool, pair.relationship_id, pair.events, 1)

    async with pg_pool.acquire() as conn:
        report = await programme_report(conn, "prog-1", min_group_size=5)

    figures = report.programme.figures
    assert figures is not None
    assert figures.relationships == 6
    assert figures.pairs_by_phase == {Phase.COMPLETED.value: 2, Phase.PROPOSED.value: 4}
    for figure in (
        figures.mentor_satisfaction,
        figures.mentee_satisfaction,
        figures.goal_attainment,
    ):
        assert figure.suppressed
        assert figure.value is None
        assert figure.respondents is None


async def test_escalation_cases_show_time_to_resolve_and_feed_the_metrics(pg_pool: Pool) -> None:
    pairs = await _completed_pairs(pg_pool, "prog-1", 1)
    rid = pairs[0].relationship_id
    async with pg_pool.acquire() as conn:
        await escalations.open_escalation(
            conn,
            NewEscalation(
                escalation_key=f"{rid}:escalation:1",
                relationship_id=rid,
                programme_id="prog-1",
                reason_codes=["tension_flag"],
                severity="medium",
                level=1,
                assigned_to="coord-1",
                respond_by=T0 + timedelta(days=3),
                opened_at=T0,
                private_note="PRIVATE NOTE",
            ),
        )
        await escalations.resolve(conn, f"{rid}:escalation:1", "continue", T0 + timedelta(hours=6))
        cases = await escalation_cases(conn, "prog-1")
        open_cases = await escalation_cases(conn, "prog-1", "open")
        metrics = await programme_metrics(conn, "prog-1")

    assert [(c.status, c.reason_codes, c.time_to_resolve) for c in cases] == [
        ("resolved", ["tension_flag"], timedelta(hours=6))
    ]
    assert "PRIVATE" not in repr(cases)
    assert open_cases == []
    assert metrics is not None
    assert metrics.escalations_resolved == 1
    assert metrics.mean_time_to_resolve == timedelta(hours=6)
    assert metrics.completed == 1
    assert metrics.pairs_by_phase == {"completed": 1}
    assert metrics.meetings_held == 14
