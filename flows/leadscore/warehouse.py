"""The DuckDB warehouse seen from Python: summaries and explanations after a build, and the run
ledger (`leadscore_runs`) that says which runs of which day succeeded.

Every connection opened here reads and writes timestamps in UTC, whatever the host's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from leadscore.settings import Settings

RUNS_TABLE = "leadscore_runs"
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
LOCK_MARKERS = ("Could not set lock on file", "Conflicting lock is held")


@dataclass(frozen=True)
class ModelSummary:
    model_id: str
    leads: int
    mqls: int
    average_score: float


class WarehouseUnavailable(RuntimeError):
    """The warehouse file cannot be opened: locked by another process (`locked`), or not a
    usable DuckDB file (a folder, another kind of file, no permission). The message is one line."""

    def __init__(self, message: str, locked: bool = False, holder_pid: int | None = None):
        self.locked = locked
        self.holder_pid = holder_pid  # the process DuckDB names as holding the lock
        super().__init__(message)


def open_duckdb(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection (in memory without `path`) whose session time zone is UTC."""
    connection = duckdb.connect(str(path) if path is not None else ":memory:", read_only=read_only)
    try:
        connection.execute("set TimeZone = 'UTC'")
    except BaseException:
        connection.close()
        raise
    return connection


def _unavailable(path: Path, error: duckdb.Error) -> WarehouseUnavailable:
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    if any(marker in detail for marker in LOCK_MARKERS):
        holder = re.search(r"\(PID (\d+)\)", detail)
        by = f"process {holder.group(1)}" if holder else "another process"
        return WarehouseUnavailable(
            f"the warehouse {path} is locked by {by} (a leadscore run, or another program writing it)",
            locked=True,
            holder_pid=int(holder.group(1)) if holder else None,
        )
    if path.is_dir():
        return WarehouseUnavailable(f"the warehouse {path} is a folder, not a DuckDB file")
    if "not a valid DuckDB database file" in detail:
        return WarehouseUnavailable(f"the warehouse {path} is not a DuckDB database file")
    return WarehouseUnavailable(f"cannot open the warehouse {path}: {detail}")


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse. Raises FileNotFoundError when there is none yet
    and WarehouseUnavailable when the file is locked or is not a usable DuckDB file."""
    if not settings.duckdb_path.exists():
        raise FileNotFoundError(f"No warehouse at {settings.duckdb_path}: run `leadscore run` first.")
    try:
        return open_duckdb(settings.duckdb_path, read_only=True)
    except duckdb.Error as error:
        raise _unavailable(settings.duckdb_path, error) from error


def _connect_for_writing(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-write connection (the file is created when missing). Only the run writes, under its
    run lock, while dbt does not hold the file. A lock held by another process raises duckdb's own
    error, so the run's retry on a locked file applies."""
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    return open_duckdb(settings.duckdb_path)


def score_summary(settings: Settings) -> list[ModelSummary]:
    with connect(settings) as connection:
        _require(connection, settings, "fct_lead_scores")
        rows = connection.execute(
            """
            select model_id, count(*), count(*) filter (where is_mql), avg(total_score)
            from fct_lead_scores
            group by model_id
            order by model_id
            """
        ).fetchall()
    return [ModelSummary(r[0], r[1], r[2], float(r[3] or 0)) for r in rows]


class WarehouseIncomplete(RuntimeError):
    """The warehouse lacks a table the question needs (it was never fully built)."""


def _require(connection: duckdb.DuckDBPyConnection, settings: Settings, *tables: str) -> None:
    missing = [table for table in tables if not has_table(connection, table)]
    if missing:
        raise WarehouseIncomplete(
            f"The warehouse {settings.duckdb_path} has no {', '.join(missing)}: run `leadscore run` first."
        )


@dataclass(frozen=True)
class LeadExplanation:
    scores: list[tuple]
    points: list[tuple]
    latest_run: RunRecord | None  # None: a warehouse without a run ledger


def lead_explanation(settings: Settings, lead_id: str) -> LeadExplanation:
    """The lead's score rows and its ledger rows, largest contributions first, and the run that
    last wrote the warehouse (so a caller can say when those tables come from a failed run)."""
    with connect(settings) as connection:
        _require(connection, settings, "fct_lead_scores", "fct_lead_score_points")
        scores = connection.execute(
            """
            select model_id, as_of_date, total_score, fit_score, behaviour_score, negative_score,
                decay_score, score_grade, fit_grade, is_mql, qualification_status, stage_reached
            from fct_lead_scores
            where lead_id = ?
            order by model_id
            """,
            [lead_id],
        ).fetchall()
        points = connection.execute(
            """
            select model_id, component, rule_id, evidence, raw_points, adjustment, final_points
            from fct_lead_score_points
            where lead_id = ?
            order by model_id, abs(final_points) desc, rule_id
            """,
            [lead_id],
        ).fetchall()
        return LeadExplanation(scores, points, latest_run(connection))


@dataclass(frozen=True)
class DaySummary:
    as_of: str
    leads_scored: int
    mqls: int
    new_mqls: int
    grade_changes: int
    previous_day: str | None


def day_summary(settings: Settings, as_of: str) -> DaySummary:
    """Leads scored and MQLs on the day, and what changed since the previous scored day."""
    with connect(settings) as connection:
        leads, mqls = connection.execute(
            "select count(distinct lead_id), count(distinct lead_id) filter (where is_mql) "
            "from fct_lead_score_history where as_of_date = ?",
            [as_of],
        ).fetchone()
        previous = connection.execute(
            "select max(as_of_date) from fct_lead_score_history where as_of_date < ?", [as_of]
        ).fetchone()[0]
        new_mqls, grade_changes = connection.execute(
            """
            select
                count(*) filter (where today.is_mql and not coalesce(before.is_mql, false)),
                count(*) filter (where before.lead_id is not null and today.score_grade <> before.score_grade)
            from fct_lead_score_history as today
            left join fct_lead_score_history as before
                on before.as_of_date = ?
                and today.lead_id = before.lead_id
                and today.model_id = before.model_id
            where today.as_of_date = ?
            """,
            [previous, as_of],
        ).fetchone()
    return DaySummary(
        as_of=as_of,
        leads_scored=leads,
        mqls=mqls,
        new_mqls=new_mqls,
        grade_changes=grade_changes,
        previous_day=str(previous) if previous else None,
    )


def has_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        connection.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()[0]
    )


# --- the run ledger -------------------------------------------------------------------------------
#
# One row per `leadscore run` (and per day of a backfill), written by Python while dbt does not
# hold the file: `running` before the build, `succeeded` only after publishing and the reports,
# `failed` when the run fails. A killed run stays `running`, which is not `succeeded`. A day
# counts as scored when its latest run succeeded. Warehouses built before the ledger existed have
# no such table (or no row for their older days): there, the score history alone says which days
# are scored, as it did then.


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    as_of_date: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    message: str | None

    def describe(self) -> str:
        """e.g. `run 5f0c... as of 2026-03-31, started 2026-04-01 06:00:02 UTC, failed`."""
        started = self.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        state = {RUNNING: "has not finished (it is running, or it was killed)"}.get(self.status, self.status)
        return f"run {self.run_id} as of {self.as_of_date}, started {started}, {state}"


LEDGER_COLUMNS = "run_id, as_of_date, started_at, finished_at, status, message"


def _ensure_ledger(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        f"""
        create table if not exists {RUNS_TABLE} (
            run_id varchar not null,
            as_of_date date not null,
            started_at timestamptz not null,
            finished_at timestamptz,
            status varchar not null,
            message varchar
        )
        """
    )


def record_run_start(settings: Settings, run_id: str, as_of: date) -> None:
    """Add the run to the ledger as `running` (before the build writes anything)."""
    with _connect_for_writing(settings) as connection:
        _ensure_ledger(connection)
        connection.execute(f"delete from {RUNS_TABLE} where run_id = ?", [run_id])  # a retried start
        connection.execute(
            f"insert into {RUNS_TABLE} ({LEDGER_COLUMNS}) values (?, ?, ?, null, ?, null)",
            [run_id, as_of, datetime.now(UTC), RUNNING],
        )


def record_run_end(settings: Settings, run_id: str, status: str, message: str | None = None) -> None:
    """Mark the run `succeeded` or `failed`, with the time and (for a failure) the reason."""
    with _connect_for_writing(settings) as connection:
        _ensure_ledger(connection)
        connection.execute(
            f"update {RUNS_TABLE} set status = ?, finished_at = ?, message = ? where run_id = ?",
            [status, datetime.now(UTC), message, run_id],
        )


def _records(connection: duckdb.DuckDBPyConnection, where: str = "", parameters: list | None = None) -> list[RunRecord]:
    if not has_table(connection, RUNS_TABLE):
        return []
    rows = connection.execute(
        f"select {LEDGER_COLUMNS} from {RUNS_TABLE} {where} order by started_at desc, run_id desc",
        parameters or [],
    ).fetchall()
    return [RunRecord(*row) for row in rows]


def latest_run(connection: duckdb.DuckDBPyConnection) -> RunRecord | None:
    """The run started last, or None for a warehouse without a ledger."""
    records = _records(connection)
    return records[0] if records else None


def run_history(settings: Settings) -> list[RunRecord]:
    """Every run in the ledger, latest first (empty without a warehouse or a ledger)."""
    if not settings.duckdb_path.exists():
        return []
    with connect(settings) as connection:
        return _records(connection)


def scored_days(settings: Settings) -> set[str]:
    """Days in the score history whose latest run succeeded, and days scored before the ledger
    existed (no run recorded for them); empty when there is no warehouse yet."""
    if not settings.duckdb_path.exists():
        return set()
    with connect(settings) as connection:
        if not has_table(connection, "fct_lead_score_history"):
            return set()
        history = {
            str(row[0])
            for row in connection.execute("select distinct as_of_date from fct_lead_score_history").fetchall()
        }
        latest: dict[str, str] = {}
        for record in reversed(_records(connection)):  # oldest first: the latest run of a day wins
            latest[str(record.as_of_date)] = record.status
    return {day for day in history if latest.get(day, SUCCEEDED) == SUCCEEDED}


# --- the seeds a build loaded ---------------------------------------------------------------------
#
# One row: the fingerprint of the seed phase's inputs (dbt_runner.seed_fingerprint) when a build
# that loaded and tested the seeds succeeded. dbt_runner.build skips the seed phase while the
# fingerprint is unchanged and every seed table is there; it drops the row before it loads seeds,
# so a failed or killed load leaves none, and writes it again only after the whole build passed.

SEED_LOADS_TABLE = "leadscore_seed_loads"


def loaded_seed_fingerprint(settings: Settings, seed_tables: set[str]) -> str | None:
    """The fingerprint a successful build recorded, or None: no warehouse or no record, a seed
    table missing, or the file cannot be opened now (dbt then says why)."""
    if not settings.duckdb_path.is_file():
        return None
    try:
        with open_duckdb(settings.duckdb_path, read_only=True) as connection:
            if not has_table(connection, SEED_LOADS_TABLE):
                return None
            present = {
                row[0]
                for row in connection.execute(
                    "select table_name from information_schema.tables where table_schema = 'main'"
                ).fetchall()
            }
            if not seed_tables <= present:
                return None
            row = connection.execute(f"select max(fingerprint) from {SEED_LOADS_TABLE}").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def forget_seed_load(settings: Settings) -> None:
    """Drop the record before the seeds are loaded again."""
    if not settings.duckdb_path.is_file():
        return
    with _connect_for_writing(settings) as connection:
        connection.execute(f"drop table if exists {SEED_LOADS_TABLE}")


def record_seed_load(settings: Settings, fingerprint: str) -> None:
    """Record that the seeds of `fingerprint` are loaded and passed their tests."""
    with _connect_for_writing(settings) as connection:
        connection.execute(
            f"create or replace table {SEED_LOADS_TABLE} (fingerprint varchar not null, loaded_at timestamptz not null)"
        )
        connection.execute(f"insert into {SEED_LOADS_TABLE} values (?, ?)", [fingerprint, datetime.now(UTC)])
