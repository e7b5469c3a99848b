"""`twoway simulate` as a coordinator runs it: reproducible figures and an offline report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
SMALL = ["--pairs", "6", "--months", "4"]


def simulate(out: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["simulate", *SMALL, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads((out / "metrics.json").read_text())
    return figures


def test_same_seed_gives_the_same_figures_and_an_offline_report(tmp_path: Path) -> None:
    first = simulate(tmp_path / "a", "--seed", "7")
    second = simulate(tmp_path / "b", "--seed", "7")
    assert first["metrics"] == second["metrics"]
    assert first["metrics"]["relationships"] == 6
    assert first["metrics"]["meetings_held"] > 0

    report = (tmp_path / "a" / "report.html").read_text()
    assert "<svg" in report
    assert "completion rate" in report
    assert not re.search(r"(src|href)=[\"']https?://", report), "the report must work offline"
    assert "<script" not in report


def test_compare_runs_both_policies_on_the_same_population(tmp_path: Path) -> None:
    policy = tmp_path / "monthly-checkins.json"
    policy.write_text(json.dumps({"checkin_interval": "P56D"}))
    figures = simulate(tmp_path / "out", "--seed", "3", "--compare", "standard", str(policy))
    assert set(figures) == {"standard", "monthly-checkins"}
    assert figures["monthly-checkins"]["policy"]["checkin_interval"] == "P56D"
    assert (
        figures["standard"]["metrics"]["relationships"]
        == figures["monthly-checkins"]["metrics"]["relationships"]
    )


def test_bad_policy_file_is_refused_with_the_field_named(tmp_path: Path) -> None:
    policy = tmp_path / "bad.json"
    policy.write_text(json.dumps({"checkin_interval": "soon"}))
    result = runner.invoke(app, ["simulate", "--policy", str(policy), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "checkin_interval" in result.output
