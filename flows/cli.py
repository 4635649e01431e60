"""The `leadscore` command line."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from leadscore.settings import Settings

app = typer.Typer(
    help="Lead scoring warehouse: score every lead from seed-driven rules with dbt, for any day.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

ProjectDir = Annotated[
    Optional[Path],
    typer.Option(help="dbt project folder (env LEADSCORE_PROJECT_DIR; default: found from the working directory)"),
]
DuckdbPath = Annotated[
    Optional[Path],
    typer.Option(help="DuckDB warehouse file (env LEADSCORE_DUCKDB_PATH; default warehouse/leadscore.duckdb)"),
]
LandingDir = Annotated[
    Optional[Path],
    typer.Option(help="Folder of landing files (env LEADSCORE_LANDING_DIR; default data/landing)"),
]


def _settings(project_dir: Path | None, duckdb_path: Path | None, landing_dir: Path | None) -> Settings:
    try:
        return Settings.resolve(project_dir=project_dir, duckdb_path=duckdb_path, landing_dir=landing_dir)
    except FileNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


def _parse_day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"'{value}' is not a date written YYYY-MM-DD") from error


@app.command("demo-data")
def demo_data(
    leads: Annotated[int, typer.Option(min=1, help="Number of leads to generate")] = 10_000,
    events_per_lead: Annotated[float, typer.Option(min=0, help="Average events per lead")] = 50.0,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data")] = 42,
    end_date: Annotated[Optional[str], typer.Option(help="Last day of the year of events, YYYY-MM-DD (default: today)")] = None,
    file_format: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: the landing folder)")] = None,
    project_dir: ProjectDir = None,
) -> None:
    """Write a realistic, deterministic demo data set (leads, accounts, events, lifecycle)."""
    from leadscore.demo_data import generate_demo_data

    if file_format not in {"parquet", "csv"}:
        raise typer.BadParameter("--format must be parquet or csv")
    settings = _settings(project_dir, None, out)
    started = time.monotonic()
    with console.status("Generating demo data...") as status:
        counts = generate_demo_data(
            settings.landing_dir,
            leads=leads,
            seed=seed,
            end_date=_parse_day(end_date),
            file_format=file_format,
            events_per_lead=events_per_lead,
            progress=lambda step: status.update(f"Generating demo data: {step}..."),
        )
    for name, rows in counts.items():
        console.print(f"  {name:<10} {rows:>12,} rows")
    console.print(f"Wrote {settings.landing_dir} in {time.monotonic() - started:.1f} s")


@app.command()
def run(
    as_of: Annotated[Optional[str], typer.Option(help="Score as of this day, YYYY-MM-DD (default: today)")] = None,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
    landing_dir: LandingDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dbt's own log")] = False,
) -> None:
    """Build and test every model for one day and print a summary of the scores."""
    from leadscore.dbt_runner import DbtBuildError, build
    from leadscore.warehouse import score_summary

    settings = _settings(project_dir, duckdb_path, landing_dir)
    day = _parse_day(as_of)
    started = time.monotonic()
    done = 0

    with console.status(f"Scoring leads as of {day}...") as status:

        def progress(unique_id: str, node_status: str) -> None:
            nonlocal done
            done += 1
            status.update(f"Scoring leads as of {day}: {done} steps done, last {unique_id.split('.')[-1]}")

        try:
            result = build(settings, day, verbose=verbose, on_node_done=progress)
        except DbtBuildError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from error

    elapsed = time.monotonic() - started
    table = Table(title=f"Lead scores as of {day}")
    for column in ("model", "leads", "MQLs", "average score"):
        table.add_column(column, justify="right" if column != "model" else "left")
    for summary in score_summary(settings):
        table.add_row(summary.model_id, f"{summary.leads:,}", f"{summary.mqls:,}", f"{summary.average_score:.1f}")
    Console().print(table)
    tests = result.count("test") + result.count("unit_test")
    console.print(
        f"{result.count('model')} models, {result.count('seed')} seeds, {tests} tests passed "
        f"in {elapsed:.1f} s; warehouse {settings.duckdb_path}"
    )


@app.command()
def explain(
    lead_id: Annotated[str, typer.Argument(help="The lead to explain")],
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
) -> None:
    """Why does this lead have this score? Every rule that fired, from the points ledger."""
    from leadscore.warehouse import lead_explanation

    settings = _settings(project_dir, duckdb_path, None)
    try:
        scores, points = lead_explanation(settings, lead_id)
    except FileNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if not scores:
        console.print(f"[red]Lead {lead_id} has no score in {settings.duckdb_path}[/red]")
        raise typer.Exit(1)
    out = Console()
    for model_id, as_of_date, total, fit, behaviour, negative, decay, grade, fit_grade, mql, bant, stage in scores:
        out.print(
            f"[bold]{lead_id}[/bold] under model [bold]{model_id}[/bold] as of {as_of_date}: "
            f"{total} points ({grade}, fit {fit_grade}{', MQL' if mql else ''}) = fit {fit} + behaviour "
            f"{behaviour} + negative {negative} + decay {decay}; BANT {bant}; stage {stage}"
        )
        table = Table()
        for column in ("component", "rule", "evidence", "raw", "adjustment", "points"):
            table.add_column(column)
        for row in (p for p in points if p[0] == model_id):
            table.add_row(row[1], row[2], row[3], str(row[4]), row[5] or "", str(row[6]))
        out.print(table)


def main() -> None:  # pragma: no cover - console script entry
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
