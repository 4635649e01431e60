"""The `leadscore` command line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from leadscore.environment import apply_offline_defaults
from leadscore.runlock import RunLockedError, run_lock
from leadscore.settings import Settings

app = typer.Typer(
    help="Lead scoring warehouse: score every lead from seed-driven rules with dbt, for any day.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
console = Console(stderr=True)
EXIT_LOCKED = 3  # another run holds the warehouse's run lock

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
SeedsOption = Annotated[
    Optional[Path],
    typer.Option(
        "--seeds",
        help="Score with this seed folder instead of seeds/ (a candidate: its CSVs replace the live ones, the rest stay)",
    ),
]


def _settings(project_dir: Path | None, duckdb_path: Path | None, landing_dir: Path | None) -> Settings:
    try:
        settings = Settings.resolve(project_dir=project_dir, duckdb_path=duckdb_path, landing_dir=landing_dir)
    except FileNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    apply_offline_defaults(settings.project_dir)
    return settings


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


@contextmanager
def _exclusive(settings: Settings) -> Iterator[None]:
    """Hold the warehouse's run lock for the whole command, or exit 3 at once."""
    try:
        with run_lock(settings):
            yield
    except RunLockedError as error:
        _locked(error)
        raise typer.Exit(EXIT_LOCKED) from error


def _locked(error: RunLockedError) -> None:
    # one unbroken line (no wrapping inside the path), so scripts and people can read it
    console.print(f"{error}; try again when it has finished.", style="red", markup=False, soft_wrap=True)


def _flow_settings(verbose: bool) -> None:
    """Prefect's own log lines only with --verbose; the CLI prints progress and the summary."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")


def _run_day(
    settings: Settings, day: date, verbose: bool, tables: tuple[str, ...] | None = None, seeds_dir: Path | None = None
):
    """One daily flow run; returns its summary or exits non-zero with the reason."""
    from leadscore.daily_flow import daily_scoring
    from leadscore.publish import PUBLISHED_TABLES

    try:
        return daily_scoring(
            as_of=day,
            project_dir=str(settings.project_dir),
            duckdb_path=str(settings.duckdb_path),
            landing_dir=str(settings.landing_dir),
            publish_tables_to=str(settings.published_dir),
            reports_dir=str(settings.reports_dir),
            tables_to_publish=PUBLISHED_TABLES if tables is None else tables,
            verbose=verbose,
            seeds_dir=str(seeds_dir) if seeds_dir else None,
        )
    except RunLockedError as error:
        _locked(error)
        raise typer.Exit(EXIT_LOCKED) from error
    except Exception as error:  # the flow's failure, already logged by Prefect with its cause
        console.print(f"[red]Run for {day} failed:[/red] {error}")
        raise typer.Exit(1) from error


@app.command()
def run(
    as_of: Annotated[Optional[str], typer.Option(help="Score as of this day, YYYY-MM-DD (default: today)")] = None,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
    landing_dir: LandingDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dbt's and Prefect's own logs")] = False,
    seeds: SeedsOption = None,
) -> None:
    """The daily run for one day: validate, dbt build and test, add the day to the score
    history, publish the BI tables, write the day's reports and print a summary."""
    from leadscore.warehouse import score_summary

    settings = _settings(project_dir, duckdb_path, landing_dir)
    _flow_settings(verbose)
    day = _parse_day(as_of)
    if seeds is not None:
        _check_candidate(settings, str(seeds))
    with _exclusive(settings), console.status(f"Scoring leads as of {day} (dbt build and tests)..."):
        summary = _run_day(settings, day, verbose, seeds_dir=seeds)

    table = Table(title=f"Lead scores as of {day}")
    for column in ("model", "leads", "MQLs", "average score"):
        table.add_column(column, justify="right" if column != "model" else "left")
    for model in score_summary(settings):
        table.add_row(model.model_id, f"{model.leads:,}", f"{model.mqls:,}", f"{model.average_score:.1f}")
    Console().print(table)
    for line in summary.lines():
        console.print(line)
    console.print(f"warehouse {settings.duckdb_path}; reports {summary.report_dir}")


@app.command()
def backfill(
    start: Annotated[str, typer.Option(help="First day to score, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="Last day to score, YYYY-MM-DD (inclusive)")],
    force: Annotated[bool, typer.Option(help="Rescore days already in the score history")] = False,
    every: Annotated[int, typer.Option(min=1, help="Score every Nth day only (the last day is always scored)")] = 1,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
    landing_dir: LandingDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dbt's and Prefect's own logs")] = False,
) -> None:
    """Rescore every day from START to END in order. Days already in the history are skipped
    unless --force, so an interrupted backfill resumes where it stopped. Only the history tables
    are published: the current-day tables stay those of the last daily run."""
    settings = _settings(project_dir, duckdb_path, landing_dir)
    _flow_settings(verbose)
    first, last = _parse_day(start), _parse_day(end)
    if first > last:
        raise typer.BadParameter(f"--start {first} is after --end {last}")
    days = [first + timedelta(days=offset) for offset in range(0, (last - first).days + 1, every)]
    if days[-1] != last:
        days.append(last)
    with _exclusive(settings):
        _backfill_days(settings, days, first, last, force, verbose)


def _backfill_days(
    settings: Settings, days: list[date], first: date, last: date, force: bool, verbose: bool
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from leadscore.publish import HISTORY_TABLES
    from leadscore.warehouse import scored_days

    done = set() if force else scored_days(settings)
    todo = [day for day in days if day.isoformat() not in done]
    if len(todo) < len(days):
        console.print(f"Skipping {len(days) - len(todo)} days already scored (use --force to rescore them)")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console,
    ) as progress:
        bar = progress.add_task("Backfilling", total=len(todo))
        for index, day in enumerate(todo):
            progress.update(bar, description=f"Scoring {day}")
            tables = HISTORY_TABLES if index == len(todo) - 1 else ()
            _run_day(settings, day, verbose, tables=tables)
            progress.advance(bar)
    console.print(f"Backfilled {len(todo)} days from {first} to {last}")


@app.command()
def report(
    as_of: Annotated[Optional[str], typer.Option(help="The scored day to report, YYYY-MM-DD (default: today)")] = None,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
) -> None:
    """Rebuild reports/AS_OF/ (the report tables as CSV and Parquet, sales_priority.csv and
    report.html) from the warehouse as it is, without rebuilding any model: the warehouse must
    already hold that day's scores and report tables, from `leadscore run --as-of AS_OF`."""
    from leadscore.reports import ReportError, write_report

    settings = _settings(project_dir, duckdb_path, None)
    day = _parse_day(as_of)
    try:
        folder = write_report(settings, day)
    except (FileNotFoundError, ReportError) as error:
        reason = error if isinstance(error, ReportError) else f"No warehouse at {settings.duckdb_path}."
        console.print(
            f"[red]{reason}[/red]\nRun `leadscore run --as-of {day}` first: it builds that day's scores and reports."
        )
        raise typer.Exit(2) from error
    console.print(f"Wrote {folder / 'report.html'}")


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="When to run, a cron expression")] = "0 6 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron expression")] = "UTC",
    name: Annotated[str, typer.Option(help="Deployment name")] = "daily",
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
    landing_dir: LandingDir = None,
) -> None:
    """Serve the daily flow on a schedule against a running Prefect server (PREFECT_API_URL).
    Keeps running; stop it with Ctrl-C or SIGTERM."""
    settings = _settings(project_dir, duckdb_path, landing_dir)
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        console.print(
            "[red]leadscore serve needs a Prefect server with a scheduler.[/red] Start one with\n"
            "  prefect server start --host 127.0.0.1 --port 4200\n"
            "and set PREFECT_API_URL=http://127.0.0.1:4200/api (the ephemeral server that "
            "`leadscore run` uses cannot schedule)."
        )
        raise typer.Exit(2)
    from prefect.schedules import Cron

    from leadscore.daily_flow import daily_scoring

    console.print(f"Serving deployment daily-lead-scoring/{name} on '{cron}' ({timezone}); Ctrl-C stops it")
    daily_scoring.serve(
        name=name,
        schedule=Cron(cron, timezone=timezone),
        parameters={
            "project_dir": str(settings.project_dir),
            "duckdb_path": str(settings.duckdb_path),
            "landing_dir": str(settings.landing_dir),
            "publish_tables_to": str(settings.published_dir),
            "reports_dir": str(settings.reports_dir),
        },
        print_starting_message=False,
        # one run at a time: a manual run and a scheduled one must not share the DuckDB file
        limit=1,
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


def _check_candidate(settings: Settings, candidate: str) -> None:
    """Exit 2 at once for a candidate seed set that cannot be used (missing, unknown CSV names)."""
    from leadscore.seedsets import SeedSetError, candidate_csvs

    try:
        candidate_csvs(settings.project_dir, candidate)
    except SeedSetError as error:
        console.print(str(error), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from error


def _history_days(settings: Settings, start: str | None, end: str | None, every: int, as_of: str | None):
    """The observation days of a backtest (exit 2 when none can be judged) and the outcome day."""
    from leadscore.backtest import BacktestError, conversion_window_days, observation_days

    outcome_day = _parse_day(as_of)
    first = _parse_day(start) if start else outcome_day - timedelta(days=180)
    last = _parse_day(end) if end else outcome_day
    if first > last:
        raise typer.BadParameter(f"--start {first} is after --end {last}")
    try:
        return observation_days(first, last, every, outcome_day, conversion_window_days(settings.project_dir)), outcome_day
    except BacktestError as error:
        console.print(str(error), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from error


def _print_side_by_side(result, first: str, second: str) -> None:
    from leadscore.backtest import side_by_side

    table = Table(title=f"Backtest on {len(result.days)} days, outcomes up to {result.outcome_day}")
    for column in ("scope", "metric", first, second, "change"):
        table.add_column(column, justify="left" if column in {"scope", "metric"} else "right")
    for row in side_by_side(result, first, second):
        table.add_row(*row)
    Console().print(table)
    console.print(f"{len(result.flips):,} lead-days change MQL status; {result.folder}")


HistoryStart = Annotated[Optional[str], typer.Option(help="First day of history, YYYY-MM-DD (default: 180 days before --as-of)")]
HistoryEnd = Annotated[Optional[str], typer.Option(help="Last day of history, YYYY-MM-DD (default: --as-of); only days whose conversion window has ended are scored")]
HistoryEvery = Annotated[int, typer.Option(min=1, help="Score every Nth day of the range")]
OutcomeDay = Annotated[Optional[str], typer.Option(help="Outcomes (lifecycle stages) are known up to this day, YYYY-MM-DD (default: today)")]


@app.command()
def backtest(
    candidate: Annotated[str, typer.Option(help="Candidate seeds: a folder of seed CSVs, or a git revision of seeds/")],
    start: HistoryStart = None,
    end: HistoryEnd = None,
    every: HistoryEvery = 14,
    as_of: OutcomeDay = None,
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default reports/backtest/<candidate>-<as-of>)")] = None,
    project_dir: ProjectDir = None,
    landing_dir: LandingDir = None,
) -> None:
    """Score past days with the live seeds and with CANDIDATE, each into its own temporary
    DuckDB file (never the warehouse), and compare: ROC AUC, PR AUC, top-decile lift, MQLs and
    MQL->SQL rate, and the leads whose MQL status would flip."""
    import re

    from leadscore.backtest import BacktestError, run_backtest

    settings = _settings(project_dir, None, landing_dir)
    _check_candidate(settings, candidate)
    days, outcome_day = _history_days(settings, start, end, every, as_of)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(candidate).name or candidate).strip("_") or "candidate"
    folder = (out or settings.reports_dir / "backtest" / f"{name}-{outcome_day}").resolve()
    try:
        with console.status("Backtesting...") as status:
            result = run_backtest(
                settings, candidate, days, outcome_day, folder, progress=lambda step: status.update(f"Backtest: {step}...")
            )
    except BacktestError as error:
        console.print(str(error), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1) from error
    _print_side_by_side(result, "live", "candidate")
    console.print(f"Wrote {folder / 'comparison.csv'}, mql_flips.csv and backtest.html")


@app.command("suggest-weights")
def suggest_weights_command(
    start: HistoryStart = None,
    end: HistoryEnd = None,
    every: HistoryEvery = 14,
    as_of: OutcomeDay = None,
    out: Annotated[Optional[Path], typer.Option(help="Candidate folder to write (default seeds_candidates/suggested-<as-of>)")] = None,
    project_dir: ProjectDir = None,
    landing_dir: LandingDir = None,
) -> None:
    """Learn weights from outcomes: a regularised logistic regression on which rules fired
    before the conversion window (earlier days), rescaled to integer points and written as a
    candidate seed folder, then backtested against the live seeds on the later days. The live
    seeds are never changed."""
    from leadscore.backtest import BacktestError
    from leadscore.seedsets import LIVE_SEEDS
    from leadscore.suggest_weights import suggest_weights

    settings = _settings(project_dir, None, landing_dir)
    days, outcome_day = _history_days(settings, start, end, every, as_of)
    folder = (out or settings.project_dir / "seeds_candidates" / f"suggested-{outcome_day}").resolve()
    live = (settings.project_dir / LIVE_SEEDS).resolve()
    if folder == live or live in folder.parents:
        console.print(
            f"--out {folder} is the live seed folder: suggest-weights never changes the live seeds",
            style="red", markup=False, soft_wrap=True,
        )
        raise typer.Exit(2)
    try:
        with console.status("Suggesting weights...") as status:
            suggestion = suggest_weights(
                settings, days, outcome_day, folder, progress=lambda step: status.update(f"Suggest weights: {step}...")
            )
    except BacktestError as error:
        console.print(str(error), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1) from error
    _print_side_by_side(suggestion.backtest, "live", "suggested")
    console.print(
        f"Candidate seeds in {folder} (learned on {', '.join(map(str, suggestion.train_days))}); "
        f"expected gain in {folder / 'report' / 'expected_gain.md'}"
    )


def main() -> None:  # pragma: no cover - console script entry
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()


from leadscore.bench import register as _register_bench  # noqa: E402 - bench command, kept in its own module

_register_bench(app)
