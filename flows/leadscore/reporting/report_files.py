"""The day's report folder, reports/<day>/: each report table as CSV and Parquet,
sales_priority.csv, and the page (report.html). It is written into a hidden folder beside the
day's (`stage_report`) and swapped into place (`promote_report`), so a reader never sees a mix of
old and new files.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from leadscore.reporting.csv_for_people import copy_csv_for_people, copy_query
from leadscore.reporting.page import render_page
from leadscore.reporting.report_data import check_warehouse, load_report
from leadscore.running.bi_tables import report_tables
from leadscore.settings import Settings
from leadscore.warehouse import connect

# Row order of the exported files, so a day's files diff cleanly against the previous day's.
EXPORT_ORDER = {
    "rpt_conversion_by_segment": "segment_dimension, segment_value, cohort_month nulls first",
    "rpt_mql_velocity": "model_id, week_start",
    "rpt_score_band_conversion": "model_id, band_kind, band_min nulls first, band_label",
    "rpt_score_threshold_curve": "model_id, threshold",
    "rpt_sales_priority": "model_id, priority_rank",
    "fct_account_scores": "model_id, account_score desc nulls last, account_id",
}
# sales_priority.csv: what a salesperson reads first, then the rest of the table's columns.
SALES_PRIORITY_FIRST = (
    "model_id",
    "priority_rank",
    "lead_id",
    "total_score",
    "score_grade",
    "is_mql",
    "is_near_mql",
    "reason_1",
    "reason_2",
    "reason_3",
    "score_change_since_previous_day",
    "changed_rules",
    "last_activity_date",
)


def report_folder(settings: Settings, as_of: date) -> Path:
    return settings.reports_dir / as_of.isoformat()


def write_report(settings: Settings, as_of: date) -> Path:
    """Rewrite reports/<as_of>/ (`leadscore report`): every report table as CSV and Parquet,
    sales_priority.csv and report.html, from the warehouse as it is. The new folder is written
    beside the old one and swapped into place, keeping the old folder's other files (the run
    summary of the run that wrote the day among them). Raises ReportError when the warehouse lacks
    a table, holds the scores of another day, or its latest run did not succeed."""
    folder = report_folder(settings, as_of)
    partial = stage_report(settings, as_of)
    try:
        for kept in folder.iterdir() if folder.is_dir() else ():
            if not (partial / kept.name).exists():
                copy = shutil.copytree if kept.is_dir() else shutil.copy2
                copy(kept, partial / kept.name)
        return promote_report(partial, folder)
    except BaseException:
        discard_staged(partial)
        raise


def stage_report(settings: Settings, as_of: date, for_run: str | None = None) -> Path:
    """Write the day's report files into a new hidden folder beside reports/<as_of>/ and return
    it (`promote_report` puts it in place). `for_run` is the id of the run writing it, which is
    the latest in the ledger and not finished yet. Nothing is left behind on failure."""
    tables = report_tables(settings)
    with connect(settings) as connection:
        check_warehouse(connection, as_of, settings.duckdb_path, for_run=for_run)
        partial = _new_partial(report_folder(settings, as_of))
        try:
            for table in tables:
                copy_csv_for_people(connection, _ordered(table), partial / f"{table}.csv")
                copy_query(
                    connection, _ordered(table), partial / f"{table}.parquet", "format parquet, compression zstd"
                )
            copy_csv_for_people(connection, _sales_priority_query(), partial / "sales_priority.csv")
            data = load_report(connection, as_of)
            (partial / "report.html").write_text(render_page(data, linked_tables=tables), encoding="utf-8")
        except BaseException:
            discard_staged(partial)
            raise
    return partial


def promote_report(partial: Path, folder: Path) -> Path:
    """Put a staged report folder in place of `folder`: two renames, so a reader sees the old
    folder, for an instant none, then the new one; never a mix of old and new files."""
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(folder, old)
        os.replace(partial, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(partial, folder)
    return folder


def discard_staged(partial: Path | None) -> None:
    if partial is not None:
        shutil.rmtree(partial, ignore_errors=True)


def _new_partial(folder: Path) -> Path:
    """reports/.<day>.partial-<pid>, after removing what ended processes left for that day."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    for leftover in folder.parent.glob(f".{folder.name}.*-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)
    partial = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    partial.mkdir()
    return partial


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _ordered(table: str) -> str:
    return f"select * from {table} order by {EXPORT_ORDER[table]}"


def _sales_priority_query() -> str:
    first = ", ".join(SALES_PRIORITY_FIRST)
    return f"select {first}, * exclude ({first}) from rpt_sales_priority order by model_id, priority_rank"
