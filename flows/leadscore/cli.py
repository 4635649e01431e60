"""The `leadscore` command line."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from leadscore.environment import apply_offline_defaults
from leadscore.running.bi_tables import PUBLISHED_TAG
from leadscore.running.dbt_runner import sigterm_stops, utc_today
from leadscore.running.runlock import RunLockedError, run_lock
from leadscore.settings import PROJECT_MARKER, Settings

EXIT_FAILED = 1  # a run failed: a failing test or seed, bad input, stopped by a signal
EXIT_USAGE = 2  # a usage or set-up error: bad option, unusable path, nothing to report
EXIT_LOCKED = 3  # another run holds the warehouse's run lock, or another process the DuckDB file


class _App(typer.Typer):
    """The command group; a file or folder a command could not use ends in one line and exit 2
    instead of a traceback (the checks before each command name the usual cases better)."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except OSError as error:
            _say(f"leadscore: {error}")
            sys.exit(EXIT_USAGE)
        except Exception as error:
            from leadscore.warehouse import WarehouseUnavailable

            if not isinstance(error, WarehouseUnavailable):
                raise
            _say(f"leadscore: {error}")
            sys.exit(EXIT_LOCKED if error.locked else EXIT_USAGE)


app = _App(
    help="Lead scoring warehouse: score every lead from seed-driven rules with dbt, for any day.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
# Data never goes through rich markup: a lead id `[/]` or `[red]x` is printed as it is.
console = Console(stderr=True, markup=False, highlight=False)
out = Console(markup=False, highlight=False)

ProjectDir = Annotated[
    Path | None,
    typer.Option(help="dbt project folder (env LEADSCORE_PROJECT_DIR; default: found from the working directory)"),
]
DuckdbPath = Annotated[
    Path | None,
    typer.Option(help="DuckDB warehouse file (env LEADSCORE_DUCKDB_PATH; default warehouse/leadscore.duckdb)"),
]
LandingDir = Annotated[
    Path | None,
    typer.Option(help="Folder of landing files (env LEADSCORE_LANDING_DIR; default data/landing)"),
]
SeedsOption = Annotated[
    Path | None,
    typer.Option(
        "--seeds",
        help="Score with this seed folder instead of seeds/ (a candidate: its CSVs replace the live ones, the rest stay)",
    ),
]


def _say(message: str, style: str | None = "red") -> None:
    """One message on stderr, never read as markup, never wrapped inside a path."""
    console.print(message, style=style, markup=False, soft_wrap=True)


def _usage_error(message: str) -> NoReturn:
    _say(message)
    raise typer.Exit(EXIT_USAGE)


def _settings(project_dir: Path | None, duckdb_path: Path | None, landing_dir: Path | None) -> Settings:
    try:
        settings = Settings.resolve(project_dir=project_dir, duckdb_path=duckdb_path, landing_dir=landing_dir)
    except FileNotFoundError as error:
        _usage_error(str(error))
    if not (settings.project_dir / PROJECT_MARKER).is_file():
        _usage_error(f"{settings.project_dir} holds no {PROJECT_MARKER}: it is not the leadscore dbt project")
    apply_offline_defaults(settings.project_dir)
    return settings


def _parse_day(value: str | None) -> date:
    """YYYY-MM-DD, or today's date in UTC (whatever the host's time zone) when not given."""
    if value is None:
        return utc_today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"'{value}' is not a date written YYYY-MM-DD") from error


# --- paths checked before a command starts: a bad one is a set-up error (exit 2) ---------------


def _check_folder(path: Path, what: str) -> None:
    """Exit 2 unless `path` is a folder this process can write into, or one it can create."""
    if path.exists():
        if not path.is_dir():
            _usage_error(f"the {what} {path} is a file, not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            _usage_error(f"the {what} {path} is not writable")
        return
    ancestor = next(parent for parent in path.parents if parent.exists())
    if not ancestor.is_dir():
        _usage_error(f"the {what} {path} cannot be created: {ancestor} is a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        _usage_error(f"the {what} {path} cannot be created: {ancestor} is not writable")


def _check_landing(path: Path) -> None:
    """A landing path that exists must be a readable folder (a missing one fails the run's input
    check, exit 1, with what to put there)."""
    if path.exists() and not path.is_dir():
        _usage_error(f"the landing folder {path} is a file, not a folder")
    if path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
        _usage_error(f"the landing folder {path} is not readable")


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def _check_warehouse_file(path: Path) -> None:
    """Exit 2 unless the warehouse path is a DuckDB file the run can write, or can be created."""
    if path.is_dir():
        _usage_error(f"the warehouse {path} is a folder, not a DuckDB file")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            _usage_error(f"the warehouse {path} is not readable and writable")
        with path.open("rb") as handle:
            header = handle.read(12)
        if header and header[8:12] != DUCKDB_MAGIC:
            _usage_error(f"the warehouse {path} is not a DuckDB database file")
    _check_folder(path.parent, "warehouse folder")


def _check_run_paths(settings: Settings) -> None:
    if settings.target == "duckdb":
        _check_warehouse_file(settings.duckdb_path)
        _check_landing(settings.landing_dir)
    _check_folder(settings.published_dir, "published folder")
    _check_folder(settings.reports_dir, "reports folder")


def _warehouse_error(settings: Settings, error: Exception) -> NoReturn:
    """explain / report / backfill on a warehouse they cannot read: one line; exit 3 when a run
    (or another program writing it) holds the file, else 2."""
    from leadscore.running.runlock import lock_path
    from leadscore.warehouse import WarehouseUnavailable

    if not (isinstance(error, WarehouseUnavailable) and error.locked):
        _say(str(error))
        raise typer.Exit(EXIT_USAGE) from error
    message = str(error)
    try:  # the run lock file names the run holding it (read, never locked: that could stop a run starting now)
        holder = dict(zip(*[iter(lock_path(settings).read_text().split())] * 2))
    except OSError:
        holder = {}
    if error.holder_pid is not None and holder.get("pid") == str(error.holder_pid):
        since = holder.get("since", "?")
        message = f"a leadscore run (pid {error.holder_pid}, since {since}) holds the warehouse {settings.duckdb_path}"
    _say(f"{message}; try again when it has finished.")
    raise typer.Exit(EXIT_LOCKED) from error


@contextmanager
def _scored_day_needed(settings: Settings, day: date | None, run_does: str) -> Iterator[None]:
    """A command that reads a scored day from the warehouse: exit 3 (one line) while a run holds
    it, exit 2 with what to run when the warehouse cannot give the day."""
    from leadscore.reporting.report_data import ReportError
    from leadscore.warehouse import WarehouseUnavailable

    try:
        yield
    except WarehouseUnavailable as error:
        _warehouse_error(settings, error)
    except (FileNotFoundError, ReportError) as error:
        reason = error if isinstance(error, ReportError) else f"No warehouse at {settings.duckdb_path}."
        _say(f"{reason}\nRun `leadscore run --as-of {day or 'DAY'}` first: it {run_does}.")
        raise typer.Exit(EXIT_USAGE) from error


@contextmanager
def _learning_step(title: str) -> Iterator[Callable[[str], None]]:
    """A backtest or suggest-weights step under a status line fed by its progress callback: a plan
    the data cannot give exits 2, a failed build or fit exits 1, each in one line."""
    from leadscore.evaluation.backtest import BacktestError, PlanError

    try:
        with console.status(Text(f"{title}...")) as status:
            yield lambda step: status.update(Text(f"{title}: {step[:160]}..."))
    except PlanError as error:
        _say(str(error))
        raise typer.Exit(EXIT_USAGE) from error
    except BacktestError as error:
        _say(str(error))
        raise typer.Exit(EXIT_FAILED) from error


# --- one run at a time, stopped cleanly, its Prefect server dying with it ------------------------


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
    _say(f"{error}; try again when it has finished.")


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _dies_with_this_process() -> Callable[[], None] | None:
    """A preexec_fn for a child that must not outlive this process, even when it is killed with
    SIGKILL: Linux sends the child SIGTERM when its parent thread ends (prctl PR_SET_PDEATHSIG).
    None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, not in the child
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _start_prefect_server() -> None:
    """Start Prefect's temporary (ephemeral) server now, from the main thread, as a child that
    dies with this process: on SIGTERM or Ctrl-C Prefect stops it at exit, and on SIGKILL the
    kernel's parent-death signal stops it (the signal follows the thread that started the child,
    hence the main thread). Nothing to do with PREFECT_API_URL set (a real server)."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or threading.current_thread() is not threading.main_thread():
        return
    from prefect.server.api import server as prefect_server

    preexec = _dies_with_this_process()
    server = prefect_server.SubprocessASGIServer()
    if server.running or preexec is None:
        return

    class TiedPopen(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("preexec_fn", preexec)
            super().__init__(*args, **kwargs)

    # Prefect 3 starts the server with `subprocess.Popen` in its server module; lend that module
    # a Popen with the preexec for the start only (a retry on another port included).
    real = prefect_server.subprocess
    prefect_server.subprocess = type(sys)("subprocess")
    prefect_server.subprocess.__dict__.update(real.__dict__, Popen=TiedPopen)
    try:
        server.start()
    finally:
        prefect_server.subprocess = real


def _flow_settings(verbose: bool) -> None:
    """Prefect's own log lines only with --verbose; the CLI prints progress, the summary and the
    reason a run failed. Without --verbose Prefect's console handler stays quiet even for errors
    (their tracebacks repeat the reason); the flow run's logs still reach the Prefect server."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def _run_day(
    settings: Settings,
    day: date,
    verbose: bool,
    publish_tag: str | None = PUBLISHED_TAG,
    seeds_dir: Path | None = None,
    full_refresh: bool = False,
):
    """One daily flow run; returns its summary or exits non-zero with the reason."""
    from prefect.exceptions import TerminationSignal

    from leadscore.running.daily_flow import daily_scoring

    try:
        _start_prefect_server()
        return daily_scoring(
            as_of=day,
            project_dir=str(settings.project_dir),
            duckdb_path=str(settings.duckdb_path),
            landing_dir=str(settings.landing_dir),
            publish_tables_to=str(settings.published_dir),
            reports_dir=str(settings.reports_dir),
            publish_tag=publish_tag,
            verbose=verbose,
            seeds_dir=str(seeds_dir) if seeds_dir else None,
            full_refresh=full_refresh,
        )
    except RunLockedError as error:
        _locked(error)
        raise typer.Exit(EXIT_LOCKED) from error
    except (KeyboardInterrupt, TerminationSignal) as error:
        name = signal.Signals(getattr(error, "signum", None) or getattr(error, "signal", signal.SIGINT)).name
        _say(f"Run for {day} stopped by {name}; only a run that finishes counts its day as scored.")
        raise typer.Exit(EXIT_FAILED) from error
    except Exception as error:  # the flow's failure, already logged by Prefect with its cause
        console.print(Text(f"Run for {day} failed: ", style="red") + Text(str(error)), soft_wrap=True)
        raise typer.Exit(EXIT_FAILED) from error


@app.command("demo-data")
def demo_data(
    leads: Annotated[int, typer.Option(min=1, help="Number of leads to generate")] = 10_000,
    events_per_lead: Annotated[float, typer.Option(min=0, help="Average events per lead")] = 50.0,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data")] = 42,
    end_date: Annotated[
        str | None, typer.Option(help="Last day of the year of events, YYYY-MM-DD (default: today, UTC)")
    ] = None,
    file_format: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    out: Annotated[Path | None, typer.Option(help="Output folder (default: the landing folder)")] = None,
    project_dir: ProjectDir = None,
) -> None:
    """Write a realistic, deterministic demo data set (leads, accounts, events, lifecycle)."""
    from leadscore.demo.demo_data import generate_demo_data

    if file_format not in {"parquet", "csv"}:
        raise typer.BadParameter("--format must be parquet or csv")
    settings = _settings(project_dir, None, out)
    _check_folder(settings.landing_dir, "output folder")
    started = time.monotonic()
    with console.status(Text("Generating demo data...")) as status:
        counts = generate_demo_data(
            settings.landing_dir,
            leads=leads,
            seed=seed,
            end_date=_parse_day(end_date),
            file_format=file_format,
            events_per_lead=events_per_lead,
            progress=lambda step: status.update(Text(f"Generating demo data: {step}...")),
        )
    for name, rows in counts.items():
        console.print(f"  {name:<10} {rows:>12,} rows")
    console.print(f"Wrote {settings.landing_dir} in {time.monotonic() - started:.1f} s")


FULL_REFRESH_HELP = (
    "Rebuild the incremental event models from every landed event instead of the as-of day and "
    "its lookback (the score history is kept). Needed after landed events changed or were deleted "
    "outside the lookback window (older than activity_lookback_days), or after editing the "
    "event_types, value_aliases or page_categories seeds."
)


@app.command()
def run(
    as_of: Annotated[str | None, typer.Option(help="Score as of this day, YYYY-MM-DD (default: today, UTC)")] = None,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
    landing_dir: LandingDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dbt's and Prefect's own logs")] = False,
    seeds: SeedsOption = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help=FULL_REFRESH_HELP)] = False,
) -> None:
    """The daily run for one day: validate, dbt build and test, add the day to the score
    history, publish the BI tables, write the day's reports and CRM file (the leads whose score
    changed, published/crm/) and print a summary."""
    from leadscore.warehouse import score_summary

    settings = _settings(project_dir, duckdb_path, landing_dir)
    _flow_settings(verbose)
    day = _parse_day(as_of)
    _check_run_paths(settings)
    if seeds is not None:
        _check_candidate(settings, str(seeds))
    progress = Text(f"Scoring leads as of {day}{' (full refresh)' if full_refresh else ''} (dbt build and tests)...")
    with sigterm_stops(), _exclusive(settings), console.status(progress):
        summary = _run_day(settings, day, verbose, seeds_dir=seeds, full_refresh=full_refresh)

    table = Table(title=f"Lead scores as of {day}")
    for column in ("model", "leads", "MQLs", "average score"):
        table.add_column(column, justify="right" if column != "model" else "left")
    for model in score_summary(settings):
        table.add_row(model.model_id, f"{model.leads:,}", f"{model.mqls:,}", f"{model.average_score:.1f}")
    out.print(table)
    for line in summary.lines():
        console.print(line)
    console.print(f"warehouse {settings.duckdb_path}; reports {summary.report_dir}", soft_wrap=True)


@app.command()
def backfill(
    start: Annotated[str, typer.Option(help="First day to score, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="Last day to score, YYYY-MM-DD (inclusive)")],
    force: Annotated[bool, typer.Option(help="Rescore days already scored")] = False,
    every: Annotated[int, typer.Option(min=1, help="Score every Nth day only (the last day is always scored)")] = 1,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
    landing_dir: LandingDir = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dbt's and Prefect's own logs")] = False,
) -> None:
    """Rescore every day from START to END in order. Days already scored (whose latest run
    succeeded) are skipped unless --force, so an interrupted backfill resumes where it stopped
    and a day whose run failed is scored again. Only the history tables are published: the
    current-day tables stay those of the last daily run."""
    settings = _settings(project_dir, duckdb_path, landing_dir)
    _flow_settings(verbose)
    first, last = _parse_day(start), _parse_day(end)
    if first > last:
        raise typer.BadParameter(f"--start {first} is after --end {last}")
    _check_run_paths(settings)
    days = [first + timedelta(days=offset) for offset in range(0, (last - first).days + 1, every)]
    if days[-1] != last:
        days.append(last)
    with sigterm_stops(), _exclusive(settings):
        _backfill_days(settings, days, first, last, force, verbose)


def _backfill_days(settings: Settings, days: list[date], first: date, last: date, force: bool, verbose: bool) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from leadscore.running.bi_tables import HISTORY_TAG
    from leadscore.warehouse import WarehouseIncomplete, WarehouseUnavailable, scored_days

    try:
        done = set() if force else scored_days(settings)
    except (WarehouseUnavailable, WarehouseIncomplete) as error:
        _warehouse_error(settings, error)
    todo = [day for day in days if day.isoformat() not in done]
    if len(todo) < len(days):
        console.print(f"Skipping {len(days) - len(todo)} days already scored (use --force to rescore them)")
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        bar = progress.add_task("Backfilling", total=len(todo))
        for index, day in enumerate(todo):
            progress.update(bar, description=f"Scoring {day}")
            # only the history tables, once, at the end: the current-day tables stay the daily run's
            _run_day(settings, day, verbose, publish_tag=HISTORY_TAG if index == len(todo) - 1 else None)
            progress.advance(bar)
    console.print(f"Backfilled {len(todo)} days from {first} to {last}")


@app.command()
def report(
    as_of: Annotated[
        str | None, typer.Option(help="The scored day to report, YYYY-MM-DD (default: today, UTC)")
    ] = None,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
) -> None:
    """Rebuild reports/AS_OF/ (the report tables as CSV and Parquet, sales_priority.csv and
    report.html) from the warehouse as it is, without rebuilding any model: the warehouse must
    hold that day from a successful `leadscore run --as-of AS_OF` (its latest run)."""
    from leadscore.reporting.report_files import write_report

    settings = _settings(project_dir, duckdb_path, None)
    day = _parse_day(as_of)
    _check_folder(settings.reports_dir, "reports folder")
    with _scored_day_needed(settings, day, "builds that day's scores and reports"):
        folder = write_report(settings, day)
    console.print(f"Wrote {folder / 'report.html'}", soft_wrap=True)


@app.command("crm-export")
def crm_export(
    full: Annotated[
        bool, typer.Option("--full", help="Every lead, not only those changed since the day sent before")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option(help="The scored day, YYYY-MM-DD (default: the day of the warehouse's latest run)")
    ] = None,
    project_dir: ProjectDir = None,
    duckdb_path: DuckdbPath = None,
) -> None:
    """Rewrite the day's CRM file, published/crm/AS_OF.csv (and latest.csv when no later day has
    one), from the warehouse as it is, without rebuilding any model. Every daily run writes it
    already: use --full to send every lead again (a new CRM, a reset field), or this command alone
    to restore a deleted file. The warehouse must hold that day from a successful run (its latest)."""
    from leadscore.running.crm import write_crm_export

    settings = _settings(project_dir, duckdb_path, None)
    day = _parse_day(as_of) if as_of else None
    _check_folder(settings.published_dir, "published folder")
    with _scored_day_needed(settings, day, "scores that day and writes its CRM file"):
        if not settings.duckdb_path.is_file():  # before the run lock creates the warehouse's folder
            raise FileNotFoundError(settings.duckdb_path)
        with _exclusive(settings):
            export = write_crm_export(settings, day, full=full)
    console.print(export.describe(), soft_wrap=True)


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
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    settings = _settings(project_dir, duckdb_path, landing_dir)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        message = f"'{timezone}' is not a time zone name such as UTC or Europe/Berlin"
        raise typer.BadParameter(message, param_hint="--timezone") from error
    _check_run_paths(settings)
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        _say(
            "leadscore serve needs a Prefect server with a scheduler. Start one with\n"
            "  prefect server start --host 127.0.0.1 --port 4200\n"
            "and set PREFECT_API_URL=http://127.0.0.1:4200/api (the ephemeral server that "
            "`leadscore run` uses cannot schedule)."
        )
        raise typer.Exit(EXIT_USAGE)
    from prefect.schedules import Cron

    from leadscore.running.daily_flow import daily_scoring

    try:
        schedule = Cron(cron, timezone=timezone)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--cron") from error
    console.print(f"Serving deployment daily-lead-scoring/{name} on '{cron}' ({timezone}); Ctrl-C stops it")
    daily_scoring.serve(
        name=name,
        schedule=schedule,
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
    from leadscore.warehouse import SUCCEEDED, WarehouseIncomplete, WarehouseUnavailable, lead_explanation

    settings = _settings(project_dir, duckdb_path, None)
    try:
        explanation = lead_explanation(settings, lead_id)
    except FileNotFoundError as error:
        _usage_error(str(error))
    except (WarehouseUnavailable, WarehouseIncomplete) as error:
        _warehouse_error(settings, error)
    run = explanation.latest_run
    if run is not None and run.status != SUCCEEDED:
        _say(
            f"warning: the latest run of {settings.duckdb_path}, {run.describe()}: what follows comes from "
            "its tables, which are not a complete, tested day. Run `leadscore run` again to fix it.",
            style="yellow",
        )
    if not explanation.scores:
        _say(f"Lead {lead_id} has no score in {settings.duckdb_path}")
        raise typer.Exit(EXIT_FAILED)
    for score in explanation.scores:
        model_id, as_of_date, total, fit, behaviour, negative, decay, grade, fit_grade, mql, bant, stage = score
        out.print(
            Text.assemble(
                (str(lead_id), "bold"),
                " under model ",
                (str(model_id), "bold"),
                f" as of {as_of_date}: {total} points ({grade}, fit {fit_grade}{', MQL' if mql else ''}) = fit {fit} "
                f"+ behaviour {behaviour} + negative {negative} + decay {decay}; BANT {bant}; stage {stage}",
            )
        )
        table = Table()
        for column in ("component", "rule", "evidence", "raw", "adjustment", "points"):
            table.add_column(column)
        for row in (p for p in explanation.points if p[0] == model_id):
            table.add_row(*(Text("" if value is None else str(value)) for value in row[1:]))
        out.print(table)


def _check_candidate(settings: Settings, candidate: str) -> None:
    """Exit 2 at once for a candidate seed set that cannot be used (missing, unknown CSV names)."""
    from leadscore.running.seedsets import SeedSetError, candidate_csvs

    try:
        candidate_csvs(settings.project_dir, candidate)
    except SeedSetError as error:
        _say(str(error))
        raise typer.Exit(EXIT_USAGE) from error


def _history_days(
    settings: Settings, start: str | None, end: str | None, every: int, as_of: str | None, shape: str = "auto"
):
    """The history the user asked for and the outcome day (exit 2 for dates out of order or an
    unknown shape). Which days are scored is planned from the landed data (backtest.plan_observations)."""
    from leadscore.evaluation.backtest import SHAPES, HistoryRequest

    if shape not in SHAPES:
        raise typer.BadParameter(f"--shape must be one of {', '.join(SHAPES)}, not {shape}")
    outcome_day = _parse_day(as_of)
    first = _parse_day(start) if start else None
    last = _parse_day(end) if end else None
    if first and last and first > last:
        raise typer.BadParameter(f"--start {first} is after --end {last}")
    return HistoryRequest(outcome_day, first, last, every, shape), outcome_day


def _print_side_by_side(result, first: str, second: str) -> None:
    from leadscore.evaluation.backtest import side_by_side

    observed = f"{len(result.days)} days" if len(result.days) > 1 else f"{result.days[0]}"
    table = Table(title=f"Backtest on {observed}, outcomes up to {result.outcome_day}")
    for column in ("scope", "metric", first, second, "change"):
        table.add_column(column, justify="left" if column in {"scope", "metric"} else "right")
    for row in side_by_side(result, first, second):
        table.add_row(*row)
    out.print(table)
    console.print(f"{len(result.flips):,} leads change MQL status; {result.folder}", soft_wrap=True)


HistoryStart = Annotated[
    str | None,
    typer.Option(
        help="History: first day to score, YYYY-MM-DD (default: 180 days before --as-of, or the first landed day if later)"
    ),
]
HistoryEnd = Annotated[
    str | None,
    typer.Option(
        help="Last day to score, YYYY-MM-DD (default: --as-of; a history scores only days whose conversion window has ended, and says so)"
    ),
]
HistoryEvery = Annotated[int, typer.Option(min=1, help="History: score every Nth day of the range")]
OutcomeDay = Annotated[
    str | None,
    typer.Option(help="Outcomes (lifecycle stages) are known up to this day, YYYY-MM-DD (default: today, UTC)"),
]
DataShape = Annotated[
    str,
    typer.Option(
        help="auto: an export when the landed events stop 7 days or more before --as-of, else a history. "
        "export: every lead observed on the last landed day, judged by the outcomes after it. "
        "history: each lead observed once, on the latest sampled day before it reached sql, judged over the "
        "conversion window.",
    ),
]


@app.command()
def backtest(
    candidate: Annotated[str, typer.Option(help="Candidate seeds: a folder of seed CSVs, or a git revision of seeds/")],
    start: HistoryStart = None,
    end: HistoryEnd = None,
    every: HistoryEvery = 14,
    as_of: OutcomeDay = None,
    shape: DataShape = "auto",
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder (default reports/backtest/CANDIDATE-ASOF: the candidate's name and the --as-of day)"
        ),
    ] = None,
    project_dir: ProjectDir = None,
    landing_dir: LandingDir = None,
) -> None:
    """Score past days with the live seeds and with CANDIDATE, each into its own temporary
    DuckDB file (never the warehouse), and compare on the same leads: ROC AUC, PR AUC, top-decile
    lift, MQLs and MQL->SQL rate, and the leads whose MQL status would flip. A one-off export is
    scored on its last day; a daily history on sampled days, each lead once."""
    import re

    from leadscore.evaluation.backtest import run_backtest

    settings = _settings(project_dir, None, landing_dir)
    _check_landing(settings.landing_dir)
    _check_candidate(settings, candidate)
    request, _ = _history_days(settings, start, end, every, as_of, shape)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(candidate).name or candidate).strip("_") or "candidate"
    folder = (out or settings.reports_dir / "backtest" / f"{name}-{request.outcome_day}").resolve()
    _check_folder(folder, "output folder")
    with _learning_step("Backtest") as progress:
        done = run_backtest(settings, candidate, request, folder, progress=progress)
    console.print(Text(done.plan.describe()), soft_wrap=True)
    _print_side_by_side(done.result, "live", "candidate")
    for note in done.notes:
        _say(f"warning: {note}", style="yellow")
    console.print(f"Wrote {folder / 'comparison.csv'}, mql_flips.csv and backtest.html", soft_wrap=True)


@app.command("suggest-weights")
def suggest_weights_command(
    start: HistoryStart = None,
    end: HistoryEnd = None,
    every: HistoryEvery = 14,
    as_of: OutcomeDay = None,
    shape: DataShape = "auto",
    out: Annotated[
        Path | None,
        typer.Option(help="Candidate folder to write (default seeds_candidates/suggested-ASOF, ASOF the --as-of day)"),
    ] = None,
    project_dir: ProjectDir = None,
    landing_dir: LandingDir = None,
) -> None:
    """Learn weights from outcomes: which rules had fired by each lead's observation day (the
    last landed day of an export, or a history's latest sampled day before the lead converted)
    and who reached sql after it. A regularised logistic regression (strength chosen by cross-validation grouped by lead) on
    two thirds of the leads, rescaled to integer points and written as a candidate seed folder
    with MQL thresholds by report_settings, then compared with the live seeds on the other third.
    The live seeds are never changed."""
    from leadscore.evaluation.suggest_weights import suggest_weights
    from leadscore.running.seedsets import LIVE_SEEDS

    settings = _settings(project_dir, None, landing_dir)
    _check_landing(settings.landing_dir)
    request, _ = _history_days(settings, start, end, every, as_of, shape)
    folder = (out or settings.project_dir / "seeds_candidates" / f"suggested-{request.outcome_day}").resolve()
    live = (settings.project_dir / LIVE_SEEDS).resolve()
    if folder == live or live in folder.parents:
        _usage_error(f"--out {folder} is the live seed folder: suggest-weights never changes the live seeds")
    _check_folder(folder, "output folder")
    with _learning_step("Suggest weights") as progress:
        suggestion = suggest_weights(settings, request, folder, progress=progress)
    console.print(Text(suggestion.plan.describe()), soft_wrap=True)
    _print_side_by_side(suggestion.backtest, "live", "suggested")
    console.print(
        f"Held out {len(suggestion.holdout_leads):,} leads (learned on {len(suggestion.train_leads):,} others); "
        f"unrounded regression ROC AUC {suggestion.regression_auc}, shuffled-outcome control {suggestion.shuffled_auc}.",
        soft_wrap=True,
    )
    for warning in suggestion.warnings:
        _say(f"check: {warning}", style="yellow")
    console.print(
        f"Candidate seeds in {folder}; expected gain in {folder / 'report' / 'expected_gain.md'}",
        soft_wrap=True,
    )


def main() -> None:  # pragma: no cover - console script entry
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()


# Commands kept in their own modules, registered last (they import this module's helpers).
from leadscore.evaluation.bench import register as _register_bench  # noqa: E402
from leadscore.reporting.check import register as _register_check  # noqa: E402

_register_bench(app)
_register_check(app)
