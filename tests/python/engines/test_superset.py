"""A real BI tool on the published tables: Apache Superset, in a venv of its own, reads
published/serving.duckdb through duckdb-engine and its own REST API, gets the MQLs by model the
warehouse has, keeps answering while a daily run publishes the next day, then answers with the next
day through the same database and dataset, and reads a copy of published/ moved elsewhere.

The venv is built from tests/superset/requirements.txt (a full pin) into
$XDG_CACHE_HOME/leadscore/superset-<hash of that file> (~/.cache when XDG_CACHE_HOME is unset, or
LEADSCORE_SUPERSET_VENV), once per machine: it outlives the checkout, so CI's fresh clones reuse
it. Without the venv and without PyPI the test is skipped, unless LEADSCORE_REQUIRE_ENGINES=1 (CI),
where it fails.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, PUBLISHED_TABLES, run_day
from leadscore.demo.demo_data import generate_demo_data
from leadscore.environment import TELEMETRY_OFF
from leadscore.running.publish import PUBLICATIONS_TABLE
from warehouses import unavailable

REQUIREMENTS = PROJECT_DIR / "tests" / "superset" / "requirements.txt"
CONFIG = PROJECT_DIR / "tests" / "superset" / "superset_config.py"
DAY_1 = date(2026, 5, 4)
DAY_2 = DAY_1 + timedelta(days=1)
# the schema Superset's dataset picker offers for the serving file: duckdb-engine names schemas
# <catalog>.<schema>, and the catalog of serving.duckdb is `serving`
SCHEMA = "serving.main"
MQLS = {"expressionType": "SQL", "sqlExpression": "SUM(CASE WHEN is_mql THEN 1 ELSE 0 END)", "label": "mqls"}
LEADS = {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "leads"}

Figures = dict[str, tuple[str, int, int]]  # model -> (as-of day, MQLs, leads)


# --- the venv ------------------------------------------------------------------------------------


def venv_dir() -> Path:
    if path := os.environ.get("LEADSCORE_SUPERSET_VENV"):
        return Path(path)
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + f"{sys.version_info[:2]}".encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "leadscore" / f"superset-{key}"


def superset_venv() -> Path:
    """The Superset venv, built on first use. A lock file serialises builders (two test runs on one
    machine), and a marker written last tells a complete venv from one a killed build left."""
    venv = venv_dir()
    marker = venv / ".leadscore-complete"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file():
            return venv
        probe = subprocess.run(
            [sys.executable, "-m", "pip", "index", "versions", "apache-superset", "--disable-pip-version-check"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if probe.returncode != 0:
            unavailable(
                f"no Superset venv at {venv} and PyPI cannot be reached to build one: {probe.stderr.strip()[-500:]}"
            )
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        install = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(REQUIREMENTS),
            ],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert install.returncode == 0, (
            f"installing Superset failed:\n{install.stdout[-3000:]}\n{install.stderr[-3000:]}"
        )
        marker.write_text(REQUIREMENTS.read_text())
    return venv


# --- Superset's REST API ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Api:
    """Superset's REST API as an admin: a JWT from /api/v1/security/login, and the CSRF token
    (with its session cookie) that POST requests need. Never through a proxy: loopback only."""

    def __init__(self, base: str, password: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor())
        self.token = ""
        self.token = self.call(
            "POST",
            "/api/v1/security/login",
            {
                "username": "admin",
                "password": password,
                "provider": "db",
                "refresh": False,
            },
        )["access_token"]
        self.csrf = self.call("GET", "/api/v1/security/csrf_token/")["result"]

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode() if body is not None else None, method=method
        )
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if method != "GET" and self.token:
            request.add_header("X-CSRFToken", self.csrf)
            request.add_header("Referer", self.base)
        try:
            with self.opener.open(request, timeout=120) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()[:2000]}") from None

    def add_database(self, name: str, serving: Path) -> int:
        uri = f"duckdb:///{serving}?access_mode=read_only"
        return self.call("POST", "/api/v1/database/", {"database_name": name, "sqlalchemy_uri": uri})["id"]

    def add_dataset(self, database: int, table: str, sql: str | None = None) -> int:
        """A dataset on a table, or a virtual one (`sql`) named `table`."""
        body = {"database": database, "schema": SCHEMA, "table_name": table, **({"sql": sql} if sql else {})}
        return self.call("POST", "/api/v1/dataset/", body)["id"]

    def mqls_by_model(self, dataset: int) -> Figures:
        """A bar chart's query: MQLs and leads per scoring model (and the day, to tell days apart),
        as a dashboard asks for it (from Superset's cache when one is configured)."""
        body = {
            "datasource": {"id": dataset, "type": "table"},
            "force": False,
            "result_format": "json",
            "result_type": "full",
            "queries": [
                {"columns": ["model_id", "as_of_date"], "metrics": [MQLS, LEADS], "orderby": [], "row_limit": 1000}
            ],
        }
        result = self.call("POST", "/api/v1/chart/data", body)["result"][0]
        assert result["status"] == "success", result
        return {
            row["model_id"]: (
                datetime.fromtimestamp(row["as_of_date"] / 1000, UTC).date().isoformat(),
                row["mqls"],
                row["leads"],
            )
            for row in result["data"]
        }


@dataclass
class Superset:
    process: subprocess.Popen
    api: Api
    log: Path

    def open_files(self) -> list[str]:
        """Files the Superset processes (gunicorn's master and its worker) hold open."""
        pids = [self.process.pid, *_children(self.process.pid)]
        found = []
        for pid in pids:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    found.append(os.readlink(fd))
                except OSError:
                    pass
        return found


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Superset]:
    """Superset's app on a free loopback port, with a metadata database, admin and config of its
    own in a temporary folder; stopped by its PID at the end."""
    venv = superset_venv()
    home = tmp_path_factory.mktemp("superset_home")
    password = secrets.token_urlsafe(16)
    environment = {
        **{key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")},
        "SUPERSET_CONFIG_PATH": str(CONFIG),
        "SUPERSET_HOME": str(home),
        "SUPERSET_SECRET_KEY": secrets.token_urlsafe(42),
        **TELEMETRY_OFF,
    }
    superset_cli = str(venv / "bin" / "superset")
    for command in (
        ["db", "upgrade"],
        [
            "fab",
            "create-admin",
            "--username",
            "admin",
            "--firstname",
            "Lead",
            "--lastname",
            "Score",
            "--email",
            "admin@example.invalid",
            "--password",
            password,
        ],
        ["init"],
    ):
        done = subprocess.run([superset_cli, *command], env=environment, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (
            f"superset {' '.join(command[:2])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    port = free_port()
    log = home / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(venv / "bin" / "gunicorn"),
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{port}",
                "superset.app:create_app()",
            ],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=home,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        loopback = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, f"Superset exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            try:
                with loopback.open(f"{base}/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"Superset not healthy after 180 s:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        yield Superset(process, Api(base, password), log)
    finally:
        process.terminate()  # gunicorn's master stops its worker on SIGTERM
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the warehouse ---------------------------------------------------------------------------------


def warehouse_figures(root: Path) -> Figures:
    """MQLs and leads per model in the warehouse itself (no run is writing it)."""
    with duckdb.connect(str(root / "warehouse" / "leadscore.duckdb"), read_only=True) as db:
        rows = db.execute(
            "select model_id, cast(as_of_date as varchar), count(*) filter (where is_mql), count(*) "
            "from fct_lead_scores group by all"
        ).fetchall()
    return {model: (day, mqls, leads) for model, day, mqls, leads in rows}


@pytest.fixture(scope="module")
def first_day(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("superset_warehouse")
    landing = root / "landing"
    generate_demo_data(landing, leads=300, seed=13, end_date=DAY_2, file_format="csv", events_per_lead=10)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(root / "dbt_logs"))
        run_day(root, landing, DAY_1)
        yield root, landing


def test_superset_charts_the_published_tables_and_follows_the_next_day(
    first_day: tuple[Path, Path], superset: Superset
) -> None:
    root, landing = first_day
    published = root / "published"
    api = superset.api
    database = api.add_database("leadscore", published / "serving.duckdb")

    # the dataset picker: the serving file's schema, and in it every published table, as tables
    schemas = api.call("GET", f"/api/v1/database/{database}/schemas/")["result"]
    assert SCHEMA in schemas, schemas
    query = urllib.parse.quote(f"(force:!t,schema_name:'{SCHEMA}')")
    listed = api.call("GET", f"/api/v1/database/{database}/tables/?q={query}")["result"]
    assert {(item["value"], item["type"]) for item in listed} == {
        (table, "table") for table in (*PUBLISHED_TABLES, PUBLICATIONS_TABLE)
    }
    dataset = api.add_dataset(database, "fct_lead_scores")

    day_1 = warehouse_figures(root)
    assert {day for day, _, _ in day_1.values()} == {DAY_1.isoformat()}
    assert sum(mqls for _, mqls, _ in day_1.values()) > 0
    assert api.mqls_by_model(dataset) == day_1

    # a dashboard keeps asking while the next day is published
    answers: list[tuple[float, Figures | str]] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append((time.time(), api.mqls_by_model(dataset)))
            except Exception as error:  # noqa: BLE001 - recorded, asserted below
                answers.append((time.time(), repr(error)))
            stop.wait(0.5)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    started = time.time()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(root / "dbt_logs"))
        run_day(root, landing, DAY_2)
    finished = time.time()
    time.sleep(1)
    stop.set()
    asker.join(timeout=120)

    day_2 = warehouse_figures(root)
    assert {day for day, _, _ in day_2.values()} == {DAY_2.isoformat()}
    during = [answer for at, answer in answers if started <= at <= finished]
    assert during, "no chart data was asked for during the run"
    assert [answer for _, answer in answers if answer not in (day_1, day_2)] == []  # one whole day, never an error
    # the same database and dataset, without reconnecting: the next day
    assert api.mqls_by_model(dataset) == day_2
    assert answers[-1][1] == day_2

    # between queries Superset holds no published file open (it opens each query's connection
    # with NullPool), so the versions a publish prunes are really gone
    assert [path for path in superset.open_files() if str(published) in path] == []

    # published/ copied elsewhere (as a bind mount shows it): the same figures, with the original gone
    elsewhere = root / "elsewhere" / "published"
    shutil.copytree(published, elsewhere, symlinks=True)
    published.rename(root / "published-moved")
    # (a dataset name is unique across databases in Superset's SQLite metadata database: the copy's
    # dataset is a virtual one)
    copy_database = api.add_database("leadscore copy", elsewhere / "serving.duckdb")
    copied = api.add_dataset(copy_database, "lead_scores_of_the_copy", sql="select * from fct_lead_scores")
    assert api.mqls_by_model(copied) == day_2
