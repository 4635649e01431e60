"""The daily scoring flow: validate, build and test, publish, report, summarise.

Run it with `leadscore run` (ephemeral Prefect server, no scheduler) or serve it on a schedule
with `leadscore serve` against a real Prefect server.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.tasks import exponential_backoff

from leadscore.dbt_runner import DbtBuildError, build
from leadscore.publish import PUBLISHED_TABLES, publish_tables
from leadscore.quarantine import quarantine_counts
from leadscore.reports import write_report
from leadscore.runlock import RunLockedError, run_lock
from leadscore.seedsets import SeedSetError, candidate_csvs, seed_overlay
from leadscore.settings import Settings
from leadscore.warehouse import day_summary

TRANSIENT_ERRORS = ("Could not set lock on file", "Conflicting lock is held")


class InputError(RuntimeError):
    """Input the run cannot start from; the message says what to fix."""


@dataclass(frozen=True)
class RunSummary:
    as_of: str
    leads_scored: int
    mqls: int
    new_mqls: int
    grade_changes: int
    previous_day: str | None
    models_built: int
    tests_passed: int
    published: list[str]
    report_dir: str | None
    duration_seconds: float
    # source -> reason -> raw rows the build quarantined (left out of scoring)
    quarantined: dict[str, dict[str, int]] = field(default_factory=dict)

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
        lines.append(f"published {len(self.published)} tables; {self.duration_seconds:.1f} s")
        return lines


def is_transient(task, task_run, state) -> bool:  # Prefect's retry_condition_fn signature
    """Retry only what waiting can fix: a DuckDB file locked by another process."""
    try:
        state.result()
    except Exception as error:  # noqa: BLE001 - inspecting the task's own failure
        return any(marker in str(error) for marker in TRANSIENT_ERRORS)
    return False


@task(name="validate inputs")
def validate_inputs(settings: Settings, as_of: date) -> None:
    if as_of > date.today():
        raise InputError(f"as-of date {as_of} is in the future")
    if settings.target == "duckdb" and not any(settings.landing_dir.glob("leads*")):
        raise InputError(
            f"No leads file in the landing folder {settings.landing_dir}: put leads.csv or "
            "leads.parquet there, set LEADSCORE_LANDING_DIR, or run `leadscore demo-data`."
        )


@task(
    name="dbt build",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=5),
    retry_condition_fn=is_transient,
)
def build_and_test(settings: Settings, as_of: date, verbose: bool) -> tuple[int, int]:
    result = build(settings, as_of, verbose=verbose)
    tests = result.count("test", "pass") + result.count("unit_test", "pass")
    return result.count("model", "success"), tests


@task(name="publish")
def publish(settings: Settings, tables: tuple[str, ...], as_of: date) -> list[str]:
    return [str(path) for path in publish_tables(settings, tables, as_of=as_of.isoformat())]


@task(name="write reports")
def write_reports(settings: Settings, summary: RunSummary) -> Path:
    folder = settings.reports_dir / summary.as_of
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run_summary.json").write_text(json.dumps(asdict(summary), indent=2) + "\n")
    (folder / "run_summary.md").write_text(_markdown(summary))
    write_report(settings, date.fromisoformat(summary.as_of))
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
    tables_to_publish: tuple[str, ...] = PUBLISHED_TABLES,
    verbose: bool = False,
    seeds_dir: str | None = None,
) -> RunSummary:
    """Score every lead for one day (default today), test, publish and report.

    Nothing is published unless the build and every test pass, so BI tools keep yesterday's
    tables after a failed run. `seeds_dir` scores with another seed folder (a candidate: its
    CSVs replace the live ones, the other seeds stay live); the seed tests check it first."""
    started = time.monotonic()
    day = as_of or date.today()
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
            summary = _run(replace(settings, seeds_dir=seeds), day, tables_to_publish, verbose, started)
    _artifacts(summary)
    for line in summary.lines():
        logger.info(line)
    return summary


def _run(
    settings: Settings, day: date, tables_to_publish: tuple[str, ...], verbose: bool, started: float
) -> RunSummary:
    validate_inputs(settings, day)
    models_built, tests_passed = build_and_test(settings, day, verbose)
    published = publish(settings, tables_to_publish, day) if tables_to_publish else []
    figures = day_summary(settings, day.isoformat())
    summary = RunSummary(
        as_of=day.isoformat(),
        leads_scored=figures.leads_scored,
        mqls=figures.mqls,
        new_mqls=figures.new_mqls,
        grade_changes=figures.grade_changes,
        previous_day=figures.previous_day,
        models_built=models_built,
        tests_passed=tests_passed,
        published=published,
        report_dir=None,
        duration_seconds=round(time.monotonic() - started, 1),
        quarantined=quarantine_counts(settings),
    )
    report_dir = write_reports(settings, summary)
    return RunSummary(**{**asdict(summary), "report_dir": str(report_dir)})


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
