"""`twoway simulate`: try a programme policy on simulated pairs before launching it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import Progress

from cli.runtime import ExitCode, console, errors
from domain.policy import RelationshipPolicy
from localstack.binaries import temporal_test_server
from localstack.postgres import throwaway_database
from simulation.report import render_report
from simulation.run import Engine, SimulationResult, TemporalParts, simulate
from twoway.logging import configure_logging


def load_policy(spec: str) -> RelationshipPolicy:
    """`standard`, `fast`, or a JSON file of policy fields overriding `standard`."""
    if spec == "standard":
        return RelationshipPolicy.standard()
    if spec == "fast":
        return RelationshipPolicy.fast()
    path = Path(spec)
    if not path.is_file():
        raise typer.BadParameter(f"{spec}: not `standard`, `fast` or a JSON policy file")
    try:
        overrides = json.loads(path.read_text())
        base = RelationshipPolicy.standard().model_dump()
        return RelationshipPolicy.model_validate({**base, **overrides})
    except (json.JSONDecodeError, ValidationError) as error:
        raise typer.BadParameter(f"{spec}: {error}") from None


def simulate_command(
    pairs: Annotated[int, typer.Option(min=1, max=100_000, help="Simulated pairs.")] = 50,
    months: Annotated[float, typer.Option(min=0.5, max=36, help="Months to simulate.")] = 6,
    seed: Annotated[int, typer.Option(help="Same seed, same population and answers.")] = 1,
    policy: Annotated[
        str, typer.Option(help="standard, fast, or a JSON file of policy fields.")
    ] = "standard",
    compare: Annotated[
        tuple[str, str] | None,
        typer.Option(help="Two policies to run side by side on the same population."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Directory for metrics.json and report.html.")] = Path(
        "simulation-out"
    ),
    engine: Annotated[
        Engine,
        typer.Option(
            help="decider: the rules alone on a virtual clock (seconds); temporal: the real"
            " workflows and activities on the time-skipping server (minutes)."
        ),
    ] = Engine.DECIDER,
) -> None:
    """Try a policy on simulated pairs; months pass in seconds."""
    configure_logging("WARNING")
    specs = list(compare) if compare else [policy]
    try:
        policies = {Path(spec).stem: load_policy(spec) for spec in specs}
    except typer.BadParameter as error:
        errors.print(f"[red]invalid policy:[/red] {error.message}")
        raise typer.Exit(ExitCode.INVALID) from None
    results = {
        name: _run_one(name, pairs, months, seed, chosen, engine)
        for name, chosen in policies.items()
    }
    out.mkdir(parents=True, exist_ok=True)
    metrics = {name: result.model_dump(mode="json") for name, result in results.items()}
    payload = next(iter(metrics.values())) if len(metrics) == 1 else metrics
    (out / "metrics.json").write_text(json.dumps(payload, indent=2))
    (out / "report.html").write_text(render_report(results))
    for name, result in results.items():
        console.print(
            f"[bold]{name}[/bold]: completion {result.metrics.completion_rate:.0%}, "
            f"adherence {result.metrics.meeting_adherence or 0:.0%}, "
            f"{result.pair_months_per_second} pair-months/s"
        )
    console.print(f"wrote {out / 'metrics.json'} and {out / 'report.html'}")


def _run_one(
    name: str, pairs: int, months: float, seed: int, policy: RelationshipPolicy, engine: Engine
) -> SimulationResult:
    # A bar on a terminal only: piped output and CI logs stay free of redraws.
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(f"simulating {name}", total=pairs)
        return asyncio.run(
            simulate(
                pairs,
                months,
                seed,
                policy,
                lambda done: progress.update(task, completed=done),
                engine,
                _temporal_parts(engine),
            )
        )


def _temporal_parts(engine: Engine) -> TemporalParts | None:
    """The local stack's throwaway database and test server, for the Temporal engine only."""
    if engine is not Engine.TEMPORAL:
        return None
    return TemporalParts(database=throwaway_database, test_server=temporal_test_server())
