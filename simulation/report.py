"""`report.html` for one simulation, or two side by side (`--compare`)."""

from __future__ import annotations

from html import escape

from reporting.charts import bar_chart
from simulation.metrics import CohortMetrics
from simulation.run import SimulationResult

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; color: #222; }}
 table {{ border-collapse: collapse; margin: 1rem 0; }}
 th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }}
 th:first-child, td:first-child {{ text-align: left; }}
 figure {{ margin: 1.5rem 0; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{subtitle}</p>
{table}
{charts}
</body></html>
"""

_ROWS: tuple[tuple[str, str], ...] = (
    ("relationships", "relationships"),
    ("completion_rate", "completion rate"),
    ("meeting_adherence", "meeting adherence"),
    ("meetings_held", "meetings held"),
    ("meetings_missed", "meetings missed"),
    ("escalations", "escalations"),
    ("mean_days_to_resolve", "mean days to resolve an escalation"),
    ("mutual_evolution_rate", "mutual evolution rate"),
    ("prompts_answered", "prompts answered"),
    ("prompts_answered_late", "prompts answered after their reminder"),
    ("prompts_expired", "prompts left unanswered"),
)


def render_report(results: dict[str, SimulationResult]) -> str:
    names = list(results)
    title = "twoway simulation" + (f": {' vs '.join(names)}" if len(names) > 1 else "")
    first = next(iter(results.values()))
    subtitle = (
        f"{first.pairs} pairs, {first.months:g} months, seed {first.seed}; "
        "real workflows on Temporal's time-skipping server."
    )
    metrics = {name: result.metrics for name, result in results.items()}
    return _PAGE.format(
        title=escape(title),
        subtitle=escape(subtitle),
        table=_table(metrics),
        charts="\n".join(f"<figure>{svg}</figure>" for svg in _charts(metrics)),
    )


def _table(metrics: dict[str, CohortMetrics]) -> str:
    header = "".join(f"<th scope='col'>{escape(name)}</th>" for name in metrics)
    rows = []
    for field, label in _ROWS:
        as_share = field.endswith("_rate") or field == "meeting_adherence"
        cells = "".join(
            f"<td>{_format(getattr(m, field), as_share)}</td>" for m in metrics.values()
        )
        rows.append(f"<tr><th scope='row'>{escape(label)}</th>{cells}</tr>")
    reasons = sorted({r for m in metrics.values() for r in m.early_end_rate_by_reason})
    for reason in reasons:
        cells = "".join(
            f"<td>{_format(m.early_end_rate_by_reason.get(reason, 0.0), True)}</td>"
            for m in metrics.values()
        )
        rows.append(f"<tr><th scope='row'>early end: {escape(reason)}</th>{cells}</tr>")
    return f"<table><tr><th scope='col'>figure</th>{header}</tr>{''.join(rows)}</table>"


def _charts(metrics: dict[str, CohortMetrics]) -> list[str]:
    rates = ("completion rate", "meeting adherence", "mutual evolution")
    outcomes = bar_chart(
        "Outcomes (share of pairs / meetings)",
        rates,
        {
            name: [m.completion_rate, m.meeting_adherence, m.mutual_evolution_rate]
            for name, m in metrics.items()
        },
        shares=True,
    )
    escalations = bar_chart(
        "Escalations and prompts",
        ("escalations", "answered late", "left unanswered"),
        {
            name: [m.escalations, m.prompts_answered_late, m.prompts_expired]
            for name, m in metrics.items()
        },
    )
    return [outcomes, escalations]


def _format(value: object, as_share: bool = False) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.1%}" if as_share else f"{value:.2f}"
    return escape(str(value))
