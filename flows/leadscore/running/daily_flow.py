"""The daily scoring flow: validate, build and test, publish, report, summarise.

Run it with `leadscore run` (ephemeral Prefect server, no scheduler) or serve it on a schedule
with `leadscore serve` against a real Prefect server.
"""

# No `from __future__ import annotations` here: the Prefect runner may pickle the flow by value,
# and string annotations then name globals (`date`) the pickled function no longer carries.

import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.tasks import exponential_backoff

from leadscore.reporting.check import check_summary
from leadscore.reporting.report_files import discard_staged, promote_report, report_folder, stage_report
from leadscore.running.bi_tables import PUBLISHED_TAG, tagged_tables
from leadscore.running.crm import CRM_SOURCE_TABLE, CrmExport, discard_crm_export, promote_crm_export, stage_crm_export
from leadscore.running.dbt_runner import DbtBuildError, build, utc_today
from leadscore.running.publish import publish_tables
from leadscore.running.quarantine import quarantine_counts
from leadscore.running.runlock import RunLockedError, run_lock
from leadscore.running.seedsets import SeedSetError, candidate_csvs, seed_overlay
from leadscore.settings import Settings
from leadscore.warehouse import FAILED, SUCCEEDED, DaySummary, day_summary, record_run_end, record_run_start

TRANSIENT_ERRORS = ("Could not set lock on file", "Conflicting lock is held")
LEDGER_MESSAGE_LIMIT = 4000


class InputError(RuntimeError):
    """Input the run cannot start from; the message says what to fix."""


@dataclass(frozen=True)
class RunSummary(DaySummary):
    """The day's figures (DaySummary) and what the run did."""

    models_built: int
    tests_passed: int
    published: list[str]
    report_dir: str | None
    duration_seconds: float
    # source -> reason -> raw rows the build quarantined (left out of scoring)
    quarantined: dict[str, dict[str, int]] = field(default_factory=dict)
    # the data-fit check in short (leadscore.reporting.check.check_summary)
    data_fit: list[str] = field(default_factory=list)
    # the day's CRM file (leadscore.running.crm), in words; None when the run writes none (a backfill)
    crm_file: str | None = None

    def lines(self) -> list[str]:
        since = f" since {self.previous_day}" if self.previous_day else " (first scored day)"
        lines = [
            f"as of {self.as_of}: {self.leads_scored:,} leads scored, {self.mqls:,} MQLs",
            f"{self.new_mqls:,} new MQLs and {self.grade_changes:,} grade changes{since}",
            f"{self.models_built} models built, {self.tests_passed} tests passed",
        ]
        for source, reasons in sorted(self.quarantined.items()):
            if reasons:
                detail = ", ".join(f"{rows:,} {reason}" for reason, rows in sorted(reasons.items()))
                lines.append(f"quarantined {sum(reasons.values()):,} {source} rows: {detail}")
        lines += self.data_fit
        if self.crm_file:
            lines.append(self.crm_file)
        lines.append(f"published {len(self.published)} tables; {self.duration_seconds:.1f} s")
        return lines


def is_transient(task, task_run, state) -> bool:  # Prefect's retry_condition_fn signature
    """Retry only what waiting can fix: a DuckDB file locked by another process."""
    try:
        state.result()
    except Exception as error:  # noqa: BLE001 - inspecting the task's own failure
        return any(marker in str(error) for marker in TRANSIENT_ERRORS)
    return False


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block (a step that must finish once begun: swapping the
    published files, marking the run succeeded and putting its reports in place), then deliver
    them to the handlers in place before. Outside the main thread nothing can be held."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda signum, frame: received.append(signum))
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)


def _retried_on_lock(name: str):
    """A task retried with backoff when, and only when, another process holds the DuckDB file."""
    return task(
        name=name, retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=5), retry_condition_fn=is_transient
    )


@task(name="validate inputs")
def validate_inputs(settings: Settings, as_of: date) -> None:
    today = utc_today()
    if as_of > today:
        raise InputError(f"as-of date {as_of} is in the future (today is {today} in UTC)")
    if settings.target == "duckdb" and not any(settings.landing_dir.glob("leads*")):
        raise InputError(
            f"No leads file in the landing folder {settings.landing_dir}: put leads.csv or "
            "leads.parquet there, set LEADSCORE_LANDING_DIR, or run `leadscore demo-data`."
        )


@_retried_on_lock("record run start")
def start_run(settings: Settings, run_id: str, as_of: date) -> None:
    record_run_start(settings, run_id, as_of)


@_retried_on_lock("dbt build")
def build_and_test(settings: Settings, as_of: date, verbose: bool, full_refresh: bool = False) -> tuple[int, int]:
    result = build(settings, as_of, verbose=verbose, full_refresh=full_refresh)
    tests = result.count("test", "pass") + result.count("unit_test", "pass")
    return result.count("model", "success"), tests


@task(name="write reports")
def write_reports(settings: Settings, as_of: date, run_id: str) -> Path:
    """The day's report files, staged in a hidden folder until the run has succeeded."""
    return stage_report(settings, as_of, for_run=run_id)


@task(name="write CRM file")
def write_crm_file(settings: Settings, as_of: date, run_id: str) -> CrmExport:
    """The leads whose score changed since the day last sent, staged until the run has succeeded."""
    return stage_crm_export(settings, as_of, for_run=run_id)


@task(name="publish")
def publish(settings: Settings, tables: tuple[str, ...], as_of: date) -> list[str]:
    return [str(path) for path in publish_tables(settings, tables, as_of=as_of.isoformat())]


@_retried_on_lock("record run success")
def finish_run(
    settings: Settings, run_id: str, staged: Path, summary: RunSummary, crm: CrmExport | None = None
) -> Path:
    """Mark the run succeeded in the ledger, then put its reports folder and its CRM file in place."""
    (staged / "run_summary.json").write_text(json.dumps(asdict(summary), indent=2) + "\n")
    (staged / "run_summary.md").write_text(_markdown(summary))
    record_run_end(settings, run_id, SUCCEEDED)
    folder = promote_report(staged, report_folder(settings, date.fromisoformat(summary.as_of)))
    promote_crm_export(crm)
    return folder


def _markdown(summary: RunSummary) -> str:
    lines = [f"# Lead scoring run, as of {summary.as_of}", ""]
    lines += [f"- {line}" for line in summary.lines()]
    return "\n".join(lines) + "\n"


@flow(name="daily-lead-scoring", log_prints=True)
def daily_scoring(
    as_of: date | None = None,
    project_dir: str | None = None,
    duckdb_path: str | None = None,
    landing_dir: str | None = None,
    publish_tables_to: str | None = None,
    reports_dir: str | None = None,
    publish_tag: str | None = PUBLISHED_TAG,
    verbose: bool = False,
    seeds_dir: str | None = None,
    full_refresh: bool = False,
) -> RunSummary:
    """Score every lead for one day (default today, in UTC), test, publish and report.

    Nothing is published unless the build and every test pass, so BI tools keep yesterday's
    tables after a failed run. The run is recorded in the warehouse's run ledger
    (`leadscore_runs`): `running` before the build, `succeeded` only after publishing and the
    reports, `failed` otherwise. `seeds_dir` scores with another seed folder (a candidate: its
    CSVs replace the live ones, the other seeds stay live); the seed tests check it first.
    `publish_tag` names the tables to publish by their dbt tag (dbt_project.yml): `bi` for a
    daily run, `history` for a backfill's last day, None for none. `full_refresh` rebuilds the
    incremental event models from all landed data."""
    started = time.monotonic()
    day = as_of or utc_today()
    settings = Settings.resolve(
        project_dir=Path(project_dir) if project_dir else None,
        duckdb_path=Path(duckdb_path) if duckdb_path else None,
        landing_dir=Path(landing_dir) if landing_dir else None,
        published_dir=Path(publish_tables_to) if publish_tables_to else None,
        reports_dir=Path(reports_dir) if reports_dir else None,
    )
    logger = get_run_logger()
    # one run at a time per warehouse; a second run fails at once (the CLI exits with 3)
    with run_lock(settings):
        if seeds_dir is not None:
            try:
                candidate_csvs(settings.project_dir, seeds_dir)
            except SeedSetError as error:
                raise InputError(str(error)) from error
        with seed_overlay(settings.project_dir, seeds_dir) as seeds:
            summary = _run(replace(settings, seeds_dir=seeds), day, publish_tag, verbose, started, full_refresh)
    _artifacts(summary)
    for line in summary.lines():
        logger.info(line)
    return summary


def _run(
    settings: Settings,
    day: date,
    publish_tag: str | None,
    verbose: bool,
    started: float,
    full_refresh: bool = False,
) -> RunSummary:
    validate_inputs(settings, day)
    run_id = _run_id()
    start_run(settings, run_id, day)
    staged, crm, succeeded = None, None, False
    try:
        models_built, tests_passed = build_and_test(settings, day, verbose, full_refresh)
        tables_to_publish = tagged_tables(settings, publish_tag) if publish_tag else ()
        figures = day_summary(settings, day.isoformat())
        quarantined = quarantine_counts(settings)
        data_fit = check_summary(settings)
        # before publishing, so a report that cannot be written publishes nothing
        staged = write_reports(settings, day, run_id)
        if CRM_SOURCE_TABLE in tables_to_publish:  # a daily run, not a backfill
            crm = write_crm_file(settings, day, run_id)
        # once publishing has begun, the run finishes it and records its success before a
        # SIGTERM or Ctrl-C received meanwhile is acted on
        with signals_deferred():
            published = publish(settings, tables_to_publish, day) if tables_to_publish else []
            summary = RunSummary(
                **asdict(figures),
                models_built=models_built,
                tests_passed=tests_passed,
                published=published,
                report_dir=None,
                duration_seconds=round(time.monotonic() - started, 1),
                quarantined=quarantined,
                data_fit=data_fit,
                crm_file=crm.describe() if crm else None,
            )
            report_dir = finish_run(settings, run_id, staged, summary, crm)
            succeeded = True
    except BaseException as error:
        if not succeeded:
            discard_staged(staged)
            discard_crm_export(crm)
            _record_failure(settings, run_id, error)
        raise
    return RunSummary(**{**asdict(summary), "report_dir": str(report_dir)})


def _run_id() -> str:
    """The Prefect flow run's id (the ledger row and the Prefect UI then name the same run)."""
    from prefect.runtime import flow_run

    return str(flow_run.id or uuid.uuid4())


def _record_failure(settings: Settings, run_id: str, error: BaseException) -> None:
    """Mark the run failed, best effort: when even that cannot be written (the file locked, the
    process being killed) the run stays `running`, which does not count as succeeded either."""
    if isinstance(error, Exception):
        message = str(error) or type(error).__name__
    else:  # KeyboardInterrupt, a termination signal
        number = getattr(error, "signal", None) or getattr(error, "signum", None)
        message = f"interrupted ({signal.Signals(number).name})" if number else f"interrupted ({type(error).__name__})"
    try:
        record_run_end(settings, run_id, FAILED, message[:LEDGER_MESSAGE_LIMIT])
    except Exception as problem:  # noqa: BLE001 - the run's own failure is what the caller sees
        get_run_logger().warning("could not record run %s as failed: %s", run_id, problem)


def _artifacts(summary: RunSummary) -> None:
    key = f"lead-scoring-{summary.as_of}"
    create_markdown_artifact(key=key, markdown=_markdown(summary), description="Daily lead scoring summary")
    create_table_artifact(
        key=f"{key}-figures",
        table=[
            {"figure": "leads scored", "value": summary.leads_scored},
            {"figure": "MQLs", "value": summary.mqls},
            {"figure": "new MQLs", "value": summary.new_mqls},
            {"figure": "grade changes", "value": summary.grade_changes},
            {"figure": "tests passed", "value": summary.tests_passed},
            {"figure": "duration (s)", "value": summary.duration_seconds},
        ],
        description="Key figures of the daily lead scoring run",
    )
    if summary.report_dir:
        create_link_artifact(
            key=f"{key}-report",
            link=(Path(summary.report_dir).resolve() / "report.html").as_uri(),
            link_text=f"Lead scoring report as of {summary.as_of}",
            description="The day's report page: conversion by segment, calibration, MQL volume, sales priority",
        )


__all__ = ["DbtBuildError", "InputError", "RunLockedError", "RunSummary", "daily_scoring"]
