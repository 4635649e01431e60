"""What a hostile user found through the CLI (issue 16), run as a user runs it (subprocesses):
a failed run leaves no scored day behind, the default day is the UTC date, --full-refresh reaches
dbt, data is printed without rich markup, a locked or unusable warehouse ends in one line, and a
stopped or killed run takes its Prefect server with it.

The runs share one warehouse (module-scoped fixtures, in the order a user would meet them):
a first run, a failing run, a backfill that resumes, then a run stopped with SIGTERM."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from conftest import PROJECT_DIR, copy_project, write_csv

LEADSCORE = Path(sys.executable).parent / "leadscore"
# UTC+14 and UTC-12: at any instant at least one of them has another date than UTC
TIME_ZONES = ("Etc/GMT-14", "Etc/GMT+12")
PLANTED_FAILURE = Path("tests") / "marts" / "planted_failure_for_test_failure_modes.sql"
MARKUP_IDS = ("[/]", "[red]x")


def utc_date() -> date:
    return datetime.now(UTC).date()


def zone_with_another_date() -> str:
    now = datetime.now(UTC)
    return next(zone for zone in TIME_ZONES if now.astimezone(ZoneInfo(zone)).date() != now.date())


@dataclass
class Result:
    exit_code: int
    output: str


@dataclass
class World:
    root: Path
    project: Path
    env: dict[str, str]
    local_date: date  # the host's date in env["TZ"] when the world was made: not the UTC date

    def leadscore(self, *args: str, **env: str) -> Result:
        done = subprocess.run(
            [str(LEADSCORE), *args], capture_output=True, text=True, timeout=900, env={**self.env, **env}
        )
        return Result(done.returncode, done.stdout + done.stderr)

    def start(self, *args: str) -> subprocess.Popen:
        """A run in the background with its own temporary Prefect server (no PREFECT_API_URL)."""
        return subprocess.Popen(
            [str(LEADSCORE), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=without_prefect_api(self.env),
        )

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "leadscore.duckdb"

    def runs(self) -> list[tuple]:
        """The run ledger, oldest first: (run_id, as_of_date, status, message)."""
        with duckdb.connect(str(self.warehouse), read_only=True) as db:
            return db.execute(
                "select run_id, as_of_date, status, message from leadscore_runs order by started_at"
            ).fetchall()


def without_prefect_api(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name != "PREFECT_API_URL"}


def one_line(text: str) -> str:
    return " ".join(text.split())


def folder_hash(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    found = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in listing.read_text().split()]
        except OSError:
            pass
    return found


def prefect_server_child(pid: int) -> int | None:
    """The `uvicorn ... prefect.server.api.server:create_app` child of a leadscore process."""
    for child in children(pid):
        try:
            if b"prefect.server.api.server" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            pass
    return None


def is_gone(pid: int) -> bool:
    """No such process, or a zombie (it has exited; only its parent's reaping is left)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def landing_rows(landing: Path) -> None:
    leads = [
        "L1,ann@acme.example,2026-01-05 10:00:00,vp,marketing,DE,referral",
        "L2,bob@gmail.com,2026-02-01 10:00:00,student,other,US,",
        *(
            f"{lead},x{n}@acme.example,2026-01-05 10:00:00,vp,marketing,DE,referral"
            for n, lead in enumerate(MARKUP_IDS)
        ),
    ]
    write_csv(landing / "leads.csv", "lead_id,email,created_at,seniority,department,country,lead_source", leads)
    events = [
        f"{lead},{kind},{at},{url}"
        for lead in ("L1", *MARKUP_IDS)
        for kind, at, url in (
            ("page_view", "2026-03-28 10:00:00", "https://x.example/pricing"),
            ("demo_request", "2026-03-29 10:00:00", ""),
        )
    ]
    write_csv(landing / "events.csv", "lead_id,event_type,occurred_at,page_url", events)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, prefect_home: Path, prefect_api_url: str) -> World:
    """A copy of the project (a test may plant a failing data test in it), a landing folder and
    every setting pointing into one temporary folder; the host's time zone set to one whose date
    is not the UTC date."""
    root = tmp_path_factory.mktemp("failure_modes")
    project = copy_project(root / "project")
    landing_rows(root / "landing")
    zone = zone_with_another_date()
    env = {
        **os.environ,
        "TZ": zone,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_API_URL": prefect_api_url,
        "DBT_TARGET_PATH": str(root / "dbt_target"),
        "DBT_LOG_PATH": str(root / "dbt_logs"),
        "LEADSCORE_PROJECT_DIR": str(project),
        "LEADSCORE_LANDING_DIR": str(root / "landing"),
        "LEADSCORE_DUCKDB_PATH": str(root / "warehouse" / "leadscore.duckdb"),
        "LEADSCORE_PUBLISHED_DIR": str(root / "published"),
        "LEADSCORE_REPORTS_DIR": str(root / "reports"),
    }
    return World(root, project, env, datetime.now(ZoneInfo(zone)).date())


@pytest.fixture(scope="module")
def first_run(world: World) -> tuple[Result, date]:
    """`leadscore run` without --as-of: scores the UTC date. Returns the result and that day."""
    before = utc_date()
    result = world.leadscore("run")
    assert result.exit_code == 0, result.output
    day = before if f"as of {before}" in result.output else utc_date()
    return result, day


@pytest.fixture(scope="module")
def failed_run(world: World, first_run: tuple[Result, date]) -> tuple[Result, date]:
    """A run of the day before that fails a data test on the score history, after dbt wrote the
    history: `leadscore run --as-of D0 --full-refresh` exits 1."""
    day = first_run[1] - timedelta(days=1)
    planted = world.project / PLANTED_FAILURE
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text(
        "-- planted by test_failure_modes: fails whenever the history holds L1\n"
        "select lead_id from {{ ref('fct_lead_score_history') }} where lead_id = 'L1'\n"
    )
    try:
        result = world.leadscore("run", "--as-of", day.isoformat(), "--full-refresh")
    finally:
        planted.unlink()
    assert result.exit_code == 1, result.output
    assert "planted_failure_for_test_failure_modes" in result.output
    return result, day


@pytest.fixture(scope="module")
def resumed(world: World, failed_run: tuple[Result, date], first_run: tuple[Result, date]) -> Result:
    """`leadscore backfill` over the failed day and the first run's day, the failing test gone."""
    result = world.leadscore("backfill", "--start", failed_run[1].isoformat(), "--end", first_run[1].isoformat())
    assert result.exit_code == 0, result.output
    return result


# --- the first run: time zones, markup ----------------------------------------------------------


def test_run_without_as_of_scores_the_utc_date_whatever_the_host_time_zone(
    world: World, first_run: tuple[Result, date]
) -> None:
    result, day = first_run
    assert f"as of {day}" in result.output  # the UTC date when the run started (or ended)
    assert day != world.local_date
    assert (world.root / "reports" / day.isoformat() / "report.html").is_file()
    assert [row[1:3] for row in world.runs()] == [(day, "succeeded")]


@pytest.mark.parametrize("zone", TIME_ZONES)
def test_the_default_day_is_the_utc_date_in_every_time_zone(
    zone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: the CLI's default day, the flow's future-day check and the backtest's default
    outcome day follow the UTC date, not the host's."""
    from leadscore.cli import _history_days, _parse_day
    from leadscore.running.daily_flow import InputError, validate_inputs
    from leadscore.settings import Settings

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        today = utc_date()
        assert _parse_day(None) == today
        write_csv(tmp_path / "landing" / "leads.csv", "lead_id", ["L1"])
        settings = Settings.resolve(
            project_dir=PROJECT_DIR, duckdb_path=tmp_path / "w.duckdb", landing_dir=tmp_path / "landing"
        )
        validate_inputs.fn(settings, today)  # today in UTC is never "in the future"
        with pytest.raises(InputError, match="in the future"):
            validate_inputs.fn(settings, today + timedelta(days=1))
        days, outcome_day = _history_days(settings, None, None, 14, None)
        assert outcome_day == today
    finally:
        monkeypatch.undo()
        time.tzset()


def test_explain_prints_lead_ids_as_they_are_never_as_markup(world: World, first_run: tuple[Result, date]) -> None:
    for lead in MARKUP_IDS:
        explained = world.leadscore("explain", lead, COLUMNS="200")  # wide enough for one line per rule
        assert explained.exit_code == 0, explained.output
        assert f"{lead} under model default" in explained.output
        assert "beh_demo_request" in explained.output
    unknown = world.leadscore("explain", "[bold]nobody[/bold]")
    assert unknown.exit_code == 1
    assert "Lead [bold]nobody[/bold] has no score" in unknown.output


# --- a failed run ---------------------------------------------------------------------------------


def test_a_failed_run_is_recorded_failed_and_leaves_no_reports_folder(
    world: World, first_run: tuple[Result, date], failed_run: tuple[Result, date]
) -> None:
    day = failed_run[1]
    reports = world.root / "reports"
    assert sorted(path.name for path in reports.iterdir()) == [first_run[1].isoformat()]
    with duckdb.connect(str(world.warehouse), read_only=True) as db:  # dbt did write the history
        assert db.execute("select count(*) from fct_lead_score_history where as_of_date = ?", [day]).fetchone()[0] > 0
    runs = world.runs()
    assert [row[1:3] for row in runs] == [(first_run[1], "succeeded"), (day, "failed")]
    assert "planted_failure_for_test_failure_modes" in runs[-1][3]


def test_full_refresh_rebuilds_the_incremental_events_from_all_landed_data(
    world: World, first_run: tuple[Result, date], failed_run: tuple[Result, date]
) -> None:
    """The events landed in March were loaded by the first run; an incremental run of another
    day would keep those rows, --full-refresh reloads every one of them."""
    with duckdb.connect(str(world.warehouse), read_only=True) as db:
        db.execute("set TimeZone = 'UTC'")
        first_started, second_started = [
            row[0] for row in db.execute("select started_at from leadscore_runs order by started_at").fetchall()
        ]
        loaded = db.execute("select min(loaded_at), count(*) from int_events_validated").fetchone()
    assert loaded[1] > 0
    assert loaded[0].replace(tzinfo=UTC) > second_started > first_started


def test_full_refresh_goes_to_the_model_phase_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed phase always reloads the seeds in full; --full-refresh is passed to the models."""
    import leadscore.running.dbt_runner as dbt_runner
    from leadscore.settings import Settings

    calls: list[list[str]] = []

    def fake_dbt(settings, args, verbose=False, on_node_done=None):
        calls.append(args)
        node = dbt_runner.NodeOutcome(f"node.{len(calls)}", "model", "success", None, None)
        return dbt_runner.BuildResult(success=True, outcomes=[node])

    monkeypatch.setattr(dbt_runner, "run_dbt", fake_dbt)
    settings = Settings.resolve(project_dir=PROJECT_DIR, duckdb_path=tmp_path / "w.duckdb")
    dbt_runner.build(settings, date(2026, 3, 31), full_refresh=True)
    dbt_runner.build(settings, date(2026, 3, 31))
    seeds, models, plain_seeds, plain_models = calls
    assert "resource_type:seed" in seeds and "--full-refresh" not in seeds
    assert "--full-refresh" in models and "--full-refresh" not in plain_models
    assert plain_seeds == seeds


def test_run_help_says_what_full_refresh_is_for() -> None:
    shown = one_line(leadscore("run", "--help", env={**os.environ, "COLUMNS": "200"}).output)
    assert "--full-refresh" in shown
    for reason in ("lookback", "event_types", "value_aliases", "page_categories", "history is kept"):
        assert reason in shown


def test_report_refuses_the_tables_of_a_failed_run(
    world: World, first_run: tuple[Result, date], failed_run: tuple[Result, date]
) -> None:
    for day in (failed_run[1], first_run[1]):
        refused = world.leadscore("report", "--as-of", day.isoformat())
        assert refused.exit_code == 2, refused.output
        message = one_line(refused.output)
        assert f"run {world.runs()[-1][0]} as of {failed_run[1]}" in message
        assert "failed" in message
        assert "Traceback" not in refused.output
    assert sorted(path.name for path in (world.root / "reports").iterdir()) == [first_run[1].isoformat()]


def test_explain_warns_that_the_latest_run_failed(world: World, failed_run: tuple[Result, date]) -> None:
    explained = world.leadscore("explain", "L1")
    assert explained.exit_code == 0, explained.output
    message = one_line(explained.output)
    assert f"warning: the latest run of {world.warehouse}, run " in message
    assert f"run {world.runs()[-1][0]} as of {failed_run[1]}" in message
    assert "failed" in message


def test_a_warehouse_without_the_run_ledger_keeps_the_old_behaviour(
    world: World, failed_run: tuple[Result, date]
) -> None:
    """A warehouse built before the ledger existed: the history alone says which days are scored
    and `report` trusts the tables, as before."""
    from leadscore.settings import Settings
    from leadscore.warehouse import scored_days

    legacy = world.root / "legacy" / "leadscore.duckdb"
    legacy.parent.mkdir()
    shutil.copy2(world.warehouse, legacy)
    with duckdb.connect(str(legacy)) as db:
        db.execute("drop table leadscore_runs")
        history = {
            str(row[0]) for row in db.execute("select distinct as_of_date from fct_lead_score_history").fetchall()
        }
        # the failed run stopped before fct_lead_scores (it reads the history's calibration)
        (current,) = db.execute("select distinct as_of_date from fct_lead_scores").fetchone()
    assert failed_run[1].isoformat() in history
    assert current.isoformat() in history and current != failed_run[1]
    settings = Settings.resolve(project_dir=world.project, duckdb_path=legacy)
    assert scored_days(settings) == history
    reports = str(legacy.parent / "reports")
    reported = world.leadscore(
        "report", "--as-of", current.isoformat(), "--duckdb-path", str(legacy), LEADSCORE_REPORTS_DIR=reports
    )
    assert reported.exit_code == 0, reported.output
    # without a ledger only the tables can tell: a day they do not hold is refused, saying which they hold
    refused = world.leadscore(
        "report", "--as-of", failed_run[1].isoformat(), "--duckdb-path", str(legacy), LEADSCORE_REPORTS_DIR=reports
    )
    assert refused.exit_code == 2 and f"holds scores as of {current}" in refused.output, refused.output


def test_scored_days_are_the_days_whose_latest_run_succeeded(tmp_path: Path) -> None:
    from leadscore.settings import Settings
    from leadscore.warehouse import scored_days

    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as db:
        db.execute(
            "create table fct_lead_score_history as select * from (values "
            "(date '2026-03-01'), (date '2026-03-02'), (date '2026-03-03'), (date '2026-03-04'), (date '2026-03-05')"
            ") as v(as_of_date)"
        )
        db.execute(
            "create table leadscore_runs (run_id varchar, as_of_date date, started_at timestamptz, "
            "finished_at timestamptz, status varchar, message varchar)"
        )
        db.executemany(
            "insert into leadscore_runs values (?, ?, ?, null, ?, null)",
            [
                ("a", "2026-03-01", "2026-04-01 06:00:00+00", "succeeded"),
                ("b", "2026-03-02", "2026-04-01 07:00:00+00", "succeeded"),
                ("c", "2026-03-02", "2026-04-01 08:00:00+00", "failed"),  # a rerun that failed
                ("d", "2026-03-03", "2026-04-01 09:00:00+00", "running"),  # killed: never finished
                ("e", "2026-03-04", "2026-04-01 10:00:00+00", "failed"),
                ("f", "2026-03-04", "2026-04-01 11:00:00+00", "succeeded"),  # resumed
                # 2026-03-05: scored before the ledger existed
            ],
        )
    assert scored_days(Settings.resolve(project_dir=PROJECT_DIR, duckdb_path=database)) == {
        "2026-03-01",
        "2026-03-04",
        "2026-03-05",
    }


def test_backfill_rescores_the_failed_day_and_skips_the_succeeded_one(
    world: World, first_run: tuple[Result, date], failed_run: tuple[Result, date], resumed: Result
) -> None:
    assert "Skipping 1 days already scored" in resumed.output
    assert "Backfilled 1 days" in resumed.output
    reported = world.leadscore("report", "--as-of", failed_run[1].isoformat())  # the day rescored last
    assert reported.exit_code == 0, reported.output
    assert [row[1:3] for row in world.runs()] == [
        (first_run[1], "succeeded"),
        (failed_run[1], "failed"),
        (failed_run[1], "succeeded"),
    ]
    reports = world.root / "reports"
    assert sorted(path.name for path in reports.iterdir()) == sorted(
        d.isoformat() for d in (failed_run[1], first_run[1])
    )
    assert (reports / failed_run[1].isoformat() / "run_summary.json").is_file()  # kept by `report`


# --- stopped and killed runs ----------------------------------------------------------------------


def test_sigterm_stops_the_run_and_its_prefect_server_and_publishes_nothing(
    world: World, first_run: tuple[Result, date], resumed: Result
) -> None:
    published = world.root / "published"
    before = folder_hash(published)
    reports_before = folder_hash(world.root / "reports")
    log = world.root / "dbt_logs" / "dbt.log"
    logged = log.stat().st_size
    run = world.start("run", "--as-of", first_run[1].isoformat())
    try:
        wait_for(lambda: prefect_server_child(run.pid), 120, "the run's Prefect server")
        server = prefect_server_child(run.pid)
        # dbt is building: stop the run halfway
        wait_for(lambda: b" START " in log.read_bytes()[logged:], 300, "dbt to start building")
        run.send_signal(signal.SIGTERM)
        exit_code = run.wait(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    output = run.stdout.read()
    assert exit_code == 1, output
    assert f"Run for {first_run[1]} stopped by SIGTERM" in one_line(output)
    wait_for(lambda: is_gone(server), 10, "the Prefect server to stop")
    assert folder_hash(published) == before
    assert folder_hash(world.root / "reports") == reports_before  # no partial folder left either
    assert world.runs()[-1][1:3] == (first_run[1], "failed")
    refused = world.leadscore("report", "--as-of", first_run[1].isoformat())
    assert refused.exit_code == 2, refused.output


def test_sigkill_of_the_run_takes_its_prefect_server_with_it(cli_env: Path) -> None:
    run = subprocess.Popen(
        [str(LEADSCORE), "run", "--as-of", "2026-03-31"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=without_prefect_api(dict(os.environ)),
    )
    try:
        wait_for(lambda: prefect_server_child(run.pid), 120, "the run's Prefect server")
        server = prefect_server_child(run.pid)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        wait_for(lambda: is_gone(server), 5, "the Prefect server to die with the killed run")
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


# --- locked and unusable warehouses, bad paths ------------------------------------------------------

HOLDER = (
    "import duckdb, sys, time; from pathlib import Path; from leadscore.settings import Settings; "
    "from leadscore.running.runlock import run_lock\n"
    "with run_lock(Settings.resolve(duckdb_path=Path(sys.argv[1]))):\n"
    "    connection = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)"
)


def leadscore(*args: str, env: dict[str, str] | None = None) -> Result:
    done = subprocess.run(
        [str(LEADSCORE), *args], capture_output=True, text=True, timeout=120, env=env or os.environ.copy()
    )
    return Result(done.returncode, done.stdout + done.stderr)


def test_explain_and_report_on_a_warehouse_a_run_holds_exit_3_in_one_line(cli_env: Path) -> None:
    database = cli_env / "warehouse" / "leadscore.duckdb"
    database.parent.mkdir()
    duckdb.connect(str(database)).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in (["explain", "L1"], ["report", "--as-of", "2026-03-31"]):
            result = leadscore(*command, "--duckdb-path", str(database))
            assert result.exit_code == 3, result.output
            assert "Traceback" not in result.output
            assert one_line(result.output).startswith(f"a leadscore run (pid {holder.pid}, since ")
            assert f"holds the warehouse {database}; try again when it has finished." in one_line(result.output)
    finally:
        holder.kill()
        holder.wait()


def unusable_paths(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "a_folder"
    folder.mkdir()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    return {"folder": folder, "text": text, "under_a_file": text / "leadscore.duckdb"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "L1", "--duckdb-path", "{folder}"], "the warehouse {folder} is a folder, not a DuckDB file"),
        (["explain", "L1", "--duckdb-path", "{text}"], "the warehouse {text} is not a DuckDB database file"),
        (["report", "--as-of", "2026-03-31", "--duckdb-path", "{folder}"], "the warehouse {folder} is a folder"),
        (["report", "--as-of", "2026-03-31", "--duckdb-path", "{text}"], "the warehouse {text} is not a DuckDB"),
        (["run", "--duckdb-path", "{folder}"], "the warehouse {folder} is a folder, not a DuckDB file"),
        (["run", "--duckdb-path", "{text}"], "the warehouse {text} is not a DuckDB database file"),
        (["run", "--duckdb-path", "{under_a_file}"], "the warehouse folder {text} is a file, not a folder"),
        (["run", "--landing-dir", "{text}"], "the landing folder {text} is a file, not a folder"),
        (["backfill", "--start", "2026-03-01", "--end", "2026-03-02", "--duckdb-path", "{text}"], "is not a DuckDB"),
        (["demo-data", "--leads", "5", "--out", "{text}"], "the output folder {text} is a file, not a folder"),
        (["backtest", "--candidate", "HEAD", "--out", "{under_a_file}"], "cannot be created: {text} is a file"),
        (["suggest-weights", "--out", "{under_a_file}"], "cannot be created: {text} is a file"),
        (["run", "--project-dir", "{folder}"], "{folder} holds no dbt_project.yml"),
    ],
)
def test_unusable_paths_end_in_one_line_and_exit_2(cli_env: Path, args: list[str], message: str) -> None:
    paths = unusable_paths(cli_env)
    result = leadscore(*(arg.format(**paths) for arg in args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message.format(**paths) in one_line(result.output)


def test_report_into_a_reports_folder_that_is_a_file_exits_2(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = unusable_paths(cli_env)
    monkeypatch.setenv("LEADSCORE_REPORTS_DIR", str(paths["text"]))
    result = leadscore("report", "--as-of", "2026-03-31")
    assert result.exit_code == 2, result.output
    assert f"the reports folder {paths['text']} is a file, not a folder" in one_line(result.output)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_a_warehouse_without_permission_exits_2(cli_env: Path) -> None:
    database = cli_env / "locked_out.duckdb"
    duckdb.connect(str(database)).close()
    database.chmod(0)
    for args in (["explain", "L1"], ["report", "--as-of", "2026-03-31"], ["run"]):
        result = leadscore(*args, "--duckdb-path", str(database))
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
