"""Inline SVG charts from pygal, configured to need nothing from the network."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pygal
from pygal.style import Style

_STYLE = Style(
    background="white",
    plot_background="white",
    font_family="system-ui, sans-serif",
    colors=("#2f6f8f", "#d98c1f", "#5a9e4b", "#b8433a", "#7d5ba6"),
)


def _configure(chart: pygal.Graph, title: str) -> pygal.Graph:
    # pygal's tooltips load a script from a CDN; reports must work offline, so: no JS at all.
    chart.config.js = []
    chart.config.disable_xml_declaration = True
    chart.config.explicit_size = True
    chart.title = title
    return chart


# pygal still embeds an inline config script for its (disabled) tooltips; the report needs none.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _render(chart: pygal.Graph) -> str:
    svg: str = chart.render(is_unicode=True)
    return _SCRIPT.sub("", svg)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    shares: bool = False,
) -> str:
    """One group of bars per label, one colour per series (e.g. policy A and policy B)."""
    chart = _configure(
        pygal.Bar(style=_STYLE, width=640, height=320, legend_at_bottom=True, print_values=True),
        title,
    )
    if shares:
        chart.value_formatter = lambda value: f"{value:.0%}"
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return _render(chart)


def funnel_chart(title: str, stages: Mapping[str, int]) -> str:
    chart = _configure(
        pygal.HorizontalBar(style=_STYLE, width=640, height=320, print_values=True), title
    )
    for stage, count in stages.items():
        chart.add(stage, [count])
    return _render(chart)


def stacked_chart(
    title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> str:
    chart = _configure(
        pygal.StackedBar(style=_HEALTH_STYLE, width=720, height=320, legend_at_bottom=True),
        title,
    )
    chart.x_labels = list(labels)
    chart.x_label_rotation = 45
    for name, values in series.items():
        chart.add(name, list(values))
    return _render(chart)


# Health reads at a glance only in its own colours.
_HEALTH_STYLE = Style(
    background="white",
    plot_background="white",
    font_family="system-ui, sans-serif",
    colors=("#5a9e4b", "#e0a81e", "#b8433a"),
)
