"""Shared fixtures: every test gets its own DuckDB file, dbt target folder and landing folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from leadscore.environment import TELEMETRY_OFF
from leadscore.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")

# What the dbt graph's tags should give (leadscore.running.bi_tables; checked in test_bi_tables.py).
HISTORY_TABLES = ("fct_lead_mql_dates", "fct_lead_score_changes", "fct_lead_score_history")
REPORT_TABLES = (
    "fct_account_scores",
    "rpt_conversion_by_segment",
    "rpt_mql_velocity",
    "rpt_sales_priority",
    "rpt_score_band_conversion",
    "rpt_score_threshold_curve",
)
PUBLISHED_TABLES = tuple(sorted({"fct_lead_scores", "fct_lead_score_points", *HISTORY_TABLES, *REPORT_TABLES}))

# Test lanes are folders, by what a test needs: unit/ (pure Python), dbt/ (a DuckDB dbt build),
# flow/ (the CLI, Prefect and publishing), engines/ (PostgreSQL, Spark, Superset), project/ (lint,
# conventions, docs). Each test is marked with its lane (`pytest -m dbt`). The fast lane
# (`make test-fast`): unit/ and every dbt unit test on an empty build.
LANES = ("unit", "dbt", "flow", "engines", "project")
FAST_MODULES = {"test_dbt_unit_tests.py"}

# The costliest modules, most costly first (per-module sums of a CI run's durations). `make test`
# hands modules to workers in collection order (--no-loadscope-reorder), so these start first and
# the short ones fill in around them instead of one long module running alone at the end.
COSTLIEST_MODULES = (
    "test_spark.py",
    "test_incremental_engines.py",
    "test_failure_modes.py",
    "test_daily_flow.py",
    "test_superset.py",
    "test_crm_delta.py",
    "test_bench.py",
    "test_cli.py",
    "test_quarantine.py",
    "test_report_calibration.py",
    "test_landing_contract.py",
    "test_publishing.py",
    "test_postgres.py",
)

for _key, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_key, _value)
# dbt's target folder: per test with isolated_dbt, else one per test process (never the project's
# target/, which another worker or an older checkout may have written)
os.environ.setdefault("DBT_TARGET_PATH", tempfile.mkdtemp(prefix="leadscore-tests-target-"))


@pytest.fixture
def isolated_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """dbt's target and log folders under tmp_path, so tests never share partial-parse state."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt_logs"))
    return tmp_path


def make_settings(tmp_path: Path, landing: Path, project_dir: Path = PROJECT_DIR) -> Settings:
    return Settings.resolve(
        project_dir=project_dir,
        duckdb_path=tmp_path / "warehouse" / "leadscore.duckdb",
        landing_dir=landing,
    )


def copy_project(dest: Path) -> Path:
    """A copy of the dbt project at `dest`, whose seeds and tests a test may edit."""
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("python", "__pycache__"))
        else:
            shutil.copy2(source, dest / part)
    return dest


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A copy of the dbt project whose seeds a test may edit."""
    yield copy_project(tmp_path / "project")


def run_day(root: Path, landing: Path, day: date, project_dir: Path = PROJECT_DIR):
    """The daily flow in this process for `day`: warehouse, published tables and reports under
    `root`. Returns the flow's summary."""
    from leadscore.running.daily_flow import daily_scoring  # imported late: it imports Prefect

    settings = make_settings(root, landing, project_dir)
    return daily_scoring(
        as_of=day,
        project_dir=str(settings.project_dir),
        duckdb_path=str(settings.duckdb_path),
        landing_dir=str(settings.landing_dir),
        publish_tables_to=str(root / "published"),
        reports_dir=str(root / "reports"),
    )


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def plant_rows(landing: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Append hand-made rows to a CSV landing file, in the file's own column order."""
    path = landing / f"{table}.csv"
    header = path.read_text().split("\n", 1)[0].split(",")
    with path.open("a") as handle:
        for row in rows:
            unknown = set(row) - set(header)
            assert not unknown, f"{table}.csv has no columns {unknown}"
            handle.write(",".join(row.get(column, "") for column in header) + "\n")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (each start migrates a database)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Prefect home for every CLI call of the session: its database is migrated once."""
    return tmp_path_factory.mktemp("prefect_home")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def prefect_api_url(prefect_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Prefect server on loopback for every `leadscore run` subprocess of the session, as a
    scheduled deployment has: without it each run would start (and migrate) its own temporary
    server. Tests of the temporary server itself leave PREFECT_API_URL unset."""
    port = _free_port()
    log = tmp_path_factory.mktemp("prefect_server") / "server.log"
    environment = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_UI_ENABLED": "false",
        **TELEMETRY_OFF,
    }
    environment.pop("PREFECT_API_URL", None)
    command = [
        str(Path(sys.executable).parent / "prefect"),
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(f"{url}/health"):
            assert server.poll() is None, f"prefect server exited with {server.returncode}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"prefect server not healthy after 120 s:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def cli_env(isolated_dbt: Path, prefect_home: Path, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two hand-made leads in a landing folder and every setting of the CLI pointing into
    tmp_path, for tests that run the `leadscore` console script as a subprocess (against the
    session's Prefect server)."""
    monkeypatch.setenv("PREFECT_HOME", str(prefect_home))
    monkeypatch.setenv("PREFECT_API_URL", prefect_api_url)
    landing = isolated_dbt / "landing"
    write_csv(
        landing / "leads.csv",
        "lead_id,email,created_at,seniority,department,country,lead_source",
        [
            "L1,ann@acme.example,2026-01-05 10:00:00,vp,marketing,DE,referral",
            "L2,bob@gmail.com,2026-02-01 10:00:00,student,other,US,",
        ],
    )
    write_csv(
        landing / "events.csv",
        "lead_id,event_type,occurred_at,page_url",
        ["L1,page_view,2026-03-28 10:00:00,https://x.example/pricing", "L1,demo_request,2026-03-29 10:00:00,"],
    )
    for name, value in {
        "LEADSCORE_LANDING_DIR": landing,
        "LEADSCORE_DUCKDB_PATH": isolated_dbt / "warehouse" / "leadscore.duckdb",
        "LEADSCORE_PUBLISHED_DIR": isolated_dbt / "published",
        "LEADSCORE_REPORTS_DIR": isolated_dbt / "reports",
    }.items():
        monkeypatch.setenv(name, str(value))
    return isolated_dbt


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(COSTLIEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: test order kept
    for item in items:
        lane = item.path.parent.name
        if lane in LANES:
            item.add_marker(getattr(pytest.mark, lane))
        if lane == "unit" or item.path.name in FAST_MODULES:
            item.add_marker(pytest.mark.fast)
