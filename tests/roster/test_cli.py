"""`twoway programme import` on a bad file: every problem on stderr, exit code 2, no import."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.programme import programme_app

DATA = Path(__file__).parent / "data"


def test_an_invalid_roster_exits_2_and_lists_line_and_field() -> None:
    result = CliRunner().invoke(
        programme_app, ["import", str(DATA / "partly_bad.csv"), "--programme", "prog-x"]
    )
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "line 3, email:" in output
    assert "line 5, employee_id: duplicate of line 2" in output
    assert "nothing imported" in output
