"""The daily file for the CRM: the leads whose score changed since the day last sent.

Sales reads scores in the CRM, so every successful daily run writes, beside the BI tables:

    published/crm/
      <day>.csv                 one row per lead (and scoring model) whose score, grade, MQL flag,
                                first MQL day or top reasons differ from the last day sent before
                                <day>; every lead on a first day or with `leadscore crm-export --full`
      latest.csv                the newest day's file, byte for byte (what a scheduled import picks up)
      snapshots/<day>.parquet   every lead's values sent that day (fct_lead_crm_scores): what the
                                next day is compared with

The values come from the dbt model fct_lead_crm_scores; the comparison with the previous snapshot
is one DuckDB query. Each file is written under a hidden temporary name, synced, and renamed into
place only after the run is recorded as succeeded, so a failed or killed run writes nothing and
no reader ever sees half a file. The day's file is renamed first, the snapshot last: a kill between
them makes the next day send a few leads again (an import of the same values changes nothing),
never miss one. Rows are sorted and the files hold no time stamps, so a rerun of a day on the same
warehouse writes the same bytes. Cells are neutralised against spreadsheet formulas like every
CSV written for people (leadscore.reporting.csv_for_people).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from leadscore.reporting.csv_for_people import copy_csv_for_people
from leadscore.reporting.report_data import ReportError, check_warehouse
from leadscore.running.publish import fsync
from leadscore.settings import Settings
from leadscore.warehouse import connect, has_table, latest_run

CRM_FOLDER = "crm"
SNAPSHOTS = "snapshots"
LATEST = "latest.csv"
CRM_TABLE = "fct_lead_crm_scores"
# a daily run that publishes this table (not a backfill) writes the day's CRM file
CRM_SOURCE_TABLE = "fct_lead_scores"
KEY = ("lead_id", "model_id")
# a lead is sent again when one of these differs from the last day sent (or it was never sent)
COMPARED = ("score", "score_grade", "is_mql", "first_mql_date", "top_reasons")
DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.csv")
DAY_SNAPSHOT = re.compile(r"\d{4}-\d{2}-\d{2}\.parquet")
PARTIAL = ".partial-"


@dataclass(frozen=True)
class CrmExport:
    """A day's CRM file, written under hidden names until `promote_crm_export` renames it."""

    day: date
    file: Path  # published/crm/<day>.csv
    rows: int  # leads (and models) in the file
    compared_with: date | None  # the day sent before, or None: every lead
    # final path -> hidden file, in the order they are renamed: day file, latest.csv, snapshot
    staged: dict[Path, Path] = field(default_factory=dict)

    def describe(self) -> str:
        """e.g. `CRM file: 37 leads changed since 2026-05-03 (published/crm/2026-05-04.csv)`."""
        what = (
            f"{self.rows:,} leads changed since {self.compared_with}"
            if self.compared_with
            else f"every lead, {self.rows:,}"
        )
        return f"CRM file: {what} ({self.file})"


def crm_folder(settings: Settings) -> Path:
    return settings.published_dir / CRM_FOLDER


def day_file(settings: Settings, day: date) -> Path:
    return crm_folder(settings) / f"{day.isoformat()}.csv"


def snapshot_file(settings: Settings, day: date) -> Path:
    return crm_folder(settings) / SNAPSHOTS / f"{day.isoformat()}.parquet"


def previous_snapshot(settings: Settings, day: date) -> tuple[date, Path] | None:
    """The snapshot of the last day sent before `day`, if any."""
    sent = [
        date.fromisoformat(path.stem)
        for path in (crm_folder(settings) / SNAPSHOTS).glob("*.parquet")
        if DAY_SNAPSHOT.fullmatch(path.name)
    ]
    earlier = max((day_sent for day_sent in sent if day_sent < day), default=None)
    return (earlier, snapshot_file(settings, earlier)) if earlier else None


def _newest_day_file(settings: Settings) -> date | None:
    files = [path for path in crm_folder(settings).glob("*.csv") if DAY_FILE.fullmatch(path.name)]
    return max((date.fromisoformat(path.stem) for path in files), default=None)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _columns(connection: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in connection.execute(f"describe select * from {relation}").fetchall()]


def crm_query(previous: Path | None, with_email: bool) -> str:
    """The day's rows for the CRM, sorted: every lead of fct_lead_crm_scores, or with `previous`
    (a snapshot) only those new since it or with a compared value that differs from it."""
    email = ", leads.email" if with_email else ""
    join = " left join int_leads_enriched as leads on crm.lead_id = leads.lead_id" if with_email else ""
    changed = ""
    if previous is not None:
        same = " and ".join(
            [f"sent.{column} = crm.{column}" for column in KEY]
            + [f"sent.{column} is not distinct from crm.{column}" for column in COMPARED]
        )
        changed = f" where not exists (select 1 from read_parquet({_quote(previous)}) as sent where {same})"
    return (
        f"select crm.lead_id{email}, crm.model_id, crm.score, crm.score_grade, crm.is_mql, "
        "cast(crm.is_mql as integer) as mql_flag, crm.first_mql_date, crm.top_reasons, crm.as_of_date "
        f"from {CRM_TABLE} as crm{join}{changed} order by crm.lead_id, crm.model_id"
    )


def _comparable(connection: duckdb.DuckDBPyConnection, snapshot: Path) -> bool:
    """A snapshot written by this version (an older one may lack a compared column)."""
    try:
        present = set(_columns(connection, f"read_parquet({_quote(snapshot)})"))
    except duckdb.Error:
        return False
    return set(KEY) | set(COMPARED) <= present


def _remove_leftovers(folder: Path) -> None:
    """Hidden files a killed run left (staging and promoting run under the run lock, so no other
    process is writing them)."""
    for directory in (folder, folder / SNAPSHOTS):
        for path in directory.glob(f".*{PARTIAL}*") if directory.is_dir() else ():
            path.unlink()


def _hidden(path: Path) -> Path:
    return path.with_name(f".{path.name}{PARTIAL}{os.getpid()}")


def stage_crm_export(settings: Settings, as_of: date, for_run: str | None = None, full: bool = False) -> CrmExport:
    """Write the day's CRM file, latest.csv (when no later day has a file) and the day's snapshot
    under hidden names beside their places; `promote_crm_export` renames them into place. `for_run`
    is the id of the run writing them (the latest in the ledger, not finished yet); otherwise the
    warehouse's latest run must be a successful run of `as_of`. `full` writes every lead. Raises
    ReportError when the warehouse cannot give that day. Nothing is left behind on failure."""
    folder = crm_folder(settings)
    with connect(settings) as connection:
        check_warehouse(connection, as_of, settings.duckdb_path, for_run=for_run)
        if not has_table(connection, CRM_TABLE):
            raise ReportError(
                f"The warehouse {settings.duckdb_path} has no {CRM_TABLE}: it was built by an older leadscore. "
                "Run the day again to rebuild it."
            )
        (folder / SNAPSHOTS).mkdir(parents=True, exist_ok=True)
        _remove_leftovers(folder)
        previous = None if full else previous_snapshot(settings, as_of)
        if previous is not None and not _comparable(connection, previous[1]):
            previous = None
        target = day_file(settings, as_of)
        staged = {target: _hidden(target)}
        newest = _newest_day_file(settings)
        if newest is None or as_of >= newest:
            staged[folder / LATEST] = _hidden(folder / LATEST)
        snapshot = snapshot_file(settings, as_of)
        staged[snapshot] = _hidden(snapshot)
        try:
            query = crm_query(previous[1] if previous else None, settings.publish_personal_data)
            copy_csv_for_people(connection, query, staged[target])
            rows = connection.execute(f"select count(*) from ({query})").fetchone()[0]
            if folder / LATEST in staged:
                shutil.copyfile(staged[target], staged[folder / LATEST])
            connection.execute(
                f"copy (select * from {CRM_TABLE} order by lead_id, model_id) "
                f"to {_quote(staged[snapshot])} (format parquet, compression zstd)"
            )
            for path in staged.values():
                fsync(path)
        except BaseException:
            discard_crm_export(staged)
            raise
    return CrmExport(day=as_of, file=target, rows=rows, compared_with=previous[0] if previous else None, staged=staged)


def promote_crm_export(export: CrmExport | None) -> None:
    """Rename the staged files into place: the day's file, latest.csv, then the snapshot."""
    if export is None:
        return
    for final, hidden in export.staged.items():
        os.replace(hidden, final)
    for folder in {final.parent for final in export.staged}:
        fsync(folder)


def discard_crm_export(export: CrmExport | dict[Path, Path] | None) -> None:
    staged = export.staged if isinstance(export, CrmExport) else export or {}
    for hidden in staged.values():
        hidden.unlink(missing_ok=True)


def write_crm_export(settings: Settings, as_of: date | None = None, full: bool = False) -> CrmExport:
    """Rewrite the CRM file of `as_of` (default: the day of the warehouse's latest run) from the
    warehouse as it is (`leadscore crm-export`). Call it under the run lock."""
    if as_of is None:
        with connect(settings) as connection:
            run = latest_run(connection)
        if run is None:
            raise ReportError(f"The warehouse {settings.duckdb_path} has no run ledger: give the day with --as-of.")
        as_of = run.as_of_date
    export = stage_crm_export(settings, as_of, full=full)
    try:
        promote_crm_export(export)
    except BaseException:
        discard_crm_export(export)
        raise
    return export
