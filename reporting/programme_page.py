"""The programme report as one offline HTML page: figures from the read model, charts inline.

Every figure comes from `projections.reports.programme_report`, so the minimum group size that
suppresses small groups there applies here too: a suppressed group shows no number and no chart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from domain.state import LIFECYCLE_ORDER
from projections.report_model import Figure, GroupFigures, GroupReport, ProgrammeReport
from projections.reports import programme_report
from reporting.charts import bar_chart, funnel_chart, stacked_chart
from reporting.health_timeline import LEVELS, WeeklyHealth, health_changes, weekly_health
from store.database import Connection

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Programme report: {programme}</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 64rem; color: #222; }}
 table {{ border-collapse: collapse; margin: 1rem 0; }}
 th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }}
 th:first-child, td:first-child {{ text-align: left; }}
 .note {{ color: #555; }}
 figure {{ margin: 1.5rem 0; }}
</style></head>
<body>
<h1>Programme report: {programme}</h1>
<p class="note" id="report-scope">{scope}</p>
<p class="note">Generated {generated}. Groups smaller than {min_group} relationships, and figures
answered by fewer than {min_group} people, are withheld; answers count once their survey round
(a calendar month) has closed. Cohorts: {cohorts}.</p>
{body}
</body></html>
"""


JOINT = "Joint figures: every pair of the programme."


def organisation_scope(organisation_name: str) -> str:
    """The scope line of one organisation's report."""
    return f"Figures of {organisation_name}: the pairs with at least one of its people."


async def programme_report_html(
    conn: Connection,
    programme_id: str,
    min_group_size: int = 5,
    *,
    only: frozenset[str] | None = None,
    scope: str = JOINT,
) -> str:
    """The page of the programme's pairs, or of those in ``only`` (one organisation's), each
    group withheld below ``min_group_size``; ``scope`` says which on the page."""
    report = await programme_report(conn, programme_id, min_group_size, only=only)
    now = datetime.now(UTC)
    weeks = await _weekly_health(conn, programme_id, now, only)
    return render_programme_report(report, weeks, now, scope)


async def _weekly_health(
    conn: Connection, programme_id: str, now: datetime, only: frozenset[str] | None
) -> list[WeeklyHealth]:
    proposed = {
        row["relationship_id"]: row["proposed_at"]
        for row in await conn.fetch(
            "SELECT relationship_id, proposed_at FROM relationships"
            " WHERE programme_id = $1 AND proposed_at IS NOT NULL",
            programme_id,
        )
        if only is None or row["relationship_id"] in only
    }
    changes = [
        change
        for change in await health_changes(conn, programme_id)
        if only is None or change.relationship_id in only
    ]
    return weekly_health(changes, proposed, now)


def render_programme_report(
    report: ProgrammeReport, weeks: list[WeeklyHealth], generated: datetime, scope: str = JOINT
) -> str:
    return _PAGE.format(
        programme=escape(report.programme_id),
        scope=escape(scope),
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
        min_group=report.min_group_size,
        cohorts=escape(report.cohort_definition),
        body=_programme_body(report.programme, weeks) + _cohort_table(report.cohorts),
    )


def _programme_body(group: GroupReport, weeks: list[WeeklyHealth]) -> str:
    if group.suppressed or group.figures is None:
        return (
            "<p><strong>This programme has fewer relationships than the minimum group size;"
            " its figures are withheld.</strong></p>"
        )
    figures = group.figures
    charts = [
        funnel_chart("Pairs by phase", _phases(figures)),
        _health_chart(weeks),
        bar_chart(
            "Satisfaction and psychological safety (1-5), by side",
            ("satisfaction", "psychological safety"),
            {
                "mentor (junior)": [
                    _value(figures.mentor_satisfaction),
                    _value(figures.mentor_psychological_safety),
                ],
                "mentee (senior)": [
                    _value(figures.mentee_satisfaction),
                    _value(figures.mentee_psychological_safety),
                ],
            },
        ),
        bar_chart(
            "Meetings, goals, mutual evolution and completion",
            ("meeting adherence", "goal attainment", "mutual", "completion"),
            {
                "share": [
                    figures.meeting_adherence,
                    _value(figures.goal_attainment),
                    figures.mutual_rate,
                    figures.completion_rate,
                ]
            },
            shares=True,
        ),
        bar_chart(
            "Escalations",
            ("opened", "resolved", "escalated to owner"),
            {
                "count": [
                    figures.escalations_opened,
                    figures.escalations_resolved,
                    figures.escalations_to_owner,
                ]
            },
        ),
        bar_chart(
            "How relationships ended",
            ("completed", *(f"early: {r}" for r in figures.early_ends_by_reason)),
            {"pairs": [figures.completed, *figures.early_ends_by_reason.values()]},
        ),
    ]
    return _summary_table(figures) + "".join(f"<figure>{svg}</figure>" for svg in charts)


def _phases(figures: GroupFigures) -> dict[str, int]:
    return {phase.value: figures.pairs_by_phase.get(phase.value, 0) for phase in LIFECYCLE_ORDER}


def _health_chart(weeks: list[WeeklyHealth]) -> str:
    labels = [week.week_ending.strftime("%d %b") for week in weeks]
    series = {level: [week.counts[level] for week in weeks] for level in LEVELS}
    return stacked_chart("Health over time (pairs, end of each week)", labels, series)


def _value(figure: Figure) -> float | None:
    return None if figure.suppressed else figure.value


def _summary_table(figures: GroupFigures) -> str:
    rows = [
        ("relationships", str(figures.relationships)),
        ("meetings held / missed", f"{figures.meetings_held} / {figures.meetings_missed}"),
        ("meeting adherence", _share(figures.meeting_adherence)),
        ("goal attainment", _figure(figures.goal_attainment, share=True)),
        ("mentor satisfaction", _figure(figures.mentor_satisfaction)),
        ("mentee satisfaction", _figure(figures.mentee_satisfaction)),
        (
            "escalations opened / resolved",
            _pair(figures.escalations_opened, figures.escalations_resolved),
        ),
        ("mean hours to resolve", _number(figures.mean_hours_to_resolve)),
        ("mutual evolutions", str(figures.mutual_evolutions)),
        ("completed / ended early", _pair(figures.completed, figures.ended_early)),
        ("completion rate", _share(figures.completion_rate)),
    ]
    body = "".join(
        f"<tr><th scope='row'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in rows
    )
    return f"<table><caption>Whole programme</caption>{body}</table>"


def _cohort_table(cohorts: list[GroupReport]) -> str:
    rows = []
    for cohort in cohorts:
        f = cohort.figures
        if cohort.suppressed or f is None:
            cells = f"<td colspan='4'>withheld ({_withheld_because(cohort)})</td>"
        else:
            cells = (
                f"<td>{f.relationships}</td><td>{_share(f.meeting_adherence)}</td>"
                f"<td>{_share(f.completion_rate)}</td><td>{_share(f.mutual_rate)}</td>"
            )
        rows.append(f"<tr><th scope='row'>{escape(cohort.key)}</th>{cells}</tr>")
    header = (
        "<tr><th scope='col'>cohort</th><th scope='col'>relationships</th>"
        "<th scope='col'>adherence</th><th scope='col'>completion</th>"
        "<th scope='col'>mutual</th></tr>"
    )
    return f"<table><caption>Cohorts</caption>{header}{''.join(rows)}</table>"


def _figure(figure: Figure, share: bool = False) -> str:
    if figure.suppressed:
        return "withheld"
    return _share(figure.value) if share else _number(figure.value)


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _pair(first: int, second: int) -> str:
    return f"{first} / {second}"


def _withheld_because(group: GroupReport) -> str:
    if group.reason == "complementary":
        return "so that a small group cannot be worked out from the others"
    return "small group"
