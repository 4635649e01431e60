"""`leadscore serve` against a real Prefect server: the deployment, its cron schedule, the
scheduler's upcoming runs, and one run triggered through the API that scores and publishes.

The slow test starts `prefect server start` (the ephemeral server has no scheduler) and
`leadscore serve` as subprocesses on loopback only, each with its own session, and always stops
both (and anything they started) by process id.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from leadscore.environment import TELEMETRY_OFF

PROJECT_DIR = Path(__file__).resolve().parents[3]
BIN_DIR = Path(sys.executable).parent
LEADSCORE = BIN_DIR / "leadscore"
PREFECT = BIN_DIR / "prefect"

CRON = "15 6 * * *"
DEPLOYMENT_NAME = "test-daily"
DEPLOYMENT = f"daily-lead-scoring/{DEPLOYMENT_NAME}"
AS_OF = "2026-03-20"

SERVER_HEALTHY_WITHIN = 120
DEPLOYMENT_WITHIN = 90
UPCOMING_RUNS_WITHIN = 60
RUN_FINISHED_WITHIN = 300
STOP_WITHIN = 20


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clean_environment(prefect_home: Path) -> dict[str, str]:
    """This process's environment without any Prefect or leadscore setting of the caller's, plus
    a fresh PREFECT_HOME, telemetry off and loopback never sent through a proxy."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "LEADSCORE_")) and key not in {"DBT_TARGET_PATH", "DBT_LOG_PATH"}
    }
    env.update(
        PREFECT_HOME=str(prefect_home),
        **TELEMETRY_OFF,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return f"--- {path.name}: (no file) ---"
    text = path.read_text(errors="replace").splitlines()
    return f"--- last {min(lines, len(text))} lines of {path} ---\n" + "\n".join(text[-lines:])


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (empty where there is no /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process's group (it was started in its own session), bounded wait, then
    SIGKILL to the group and to any descendant that had moved to a session of its own."""
    stragglers = _descendants(process.pid)
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in stragglers:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.wait(timeout=STOP_WITHIN)


@contextmanager
def _started(command: list[str], env: dict[str, str], log: Path, cwd: Path) -> Iterator[subprocess.Popen]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop(process)


def _wait_for(
    condition: Callable[[], object], within: float, what: str, diagnostics: Callable[[], str], every: float = 1.0
) -> object:
    """Poll `condition` until it returns something truthy; fail with the logs after `within` s."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not within {within} s\n{diagnostics()}")
        time.sleep(every)


async def _await_for(condition, within: float, what: str, diagnostics: Callable[[], str], every: float = 1.0):
    deadline = time.monotonic() + within
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not within {within} s\n{diagnostics()}")
        await asyncio.sleep(every)


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_serve_without_api_url_refuses_to_start(tmp_path: Path) -> None:
    env = _clean_environment(tmp_path / "prefect_home")
    result = subprocess.run(
        [str(LEADSCORE), "serve", "--cron", CRON, "--name", DEPLOYMENT_NAME],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, f"exit code {result.returncode}, expected 2:\n{output}"
    assert "prefect server start" in output, f"no hint to start a Prefect server:\n{output}"
    assert "PREFECT_API_URL" in output, output


def test_serve_schedules_the_daily_flow_and_a_triggered_run_publishes(tmp_path: Path) -> None:
    from leadscore.demo.demo_data import generate_demo_data

    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    server_log, serve_log = tmp_path / "prefect_server.log", tmp_path / "leadscore_serve.log"
    landing, published = tmp_path / "landing", tmp_path / "published"
    generate_demo_data(
        landing, leads=100, seed=7, end_date=date.fromisoformat(AS_OF), file_format="csv", events_per_lead=10
    )

    env = _clean_environment(tmp_path / "prefect_home")
    server_env = {
        **env,
        "PREFECT_SERVER_UI_ENABLED": "false",
        # the recent-deployments loop (every 5 s) schedules a new deployment; a short main loop
        # is the fallback should it miss it
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
    }
    serve_env = {
        **env,
        "PREFECT_API_URL": api_url,
        "LEADSCORE_DUCKDB_PATH": str(tmp_path / "warehouse" / "leadscore.duckdb"),
        "LEADSCORE_LANDING_DIR": str(landing),
        "LEADSCORE_PUBLISHED_DIR": str(published),
        "LEADSCORE_REPORTS_DIR": str(tmp_path / "reports"),
        "DBT_TARGET_PATH": str(tmp_path / "dbt_target"),
        "DBT_LOG_PATH": str(tmp_path / "dbt_logs"),
    }

    def logs() -> str:
        return f"{_tail(server_log)}\n{_tail(serve_log)}"

    server_command = [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with _started(server_command, server_env, server_log, PROJECT_DIR) as server:

        def server_up() -> bool:
            assert server.poll() is None, f"prefect server exited with {server.returncode}\n{logs()}"
            return _healthy(f"{api_url}/health")

        _wait_for(server_up, SERVER_HEALTHY_WITHIN, f"Prefect server healthy at {api_url}/health", logs)

        serve_command = [str(LEADSCORE), "serve", "--cron", CRON, "--name", DEPLOYMENT_NAME]
        with _started(serve_command, serve_env, serve_log, PROJECT_DIR) as serve:

            def alive() -> None:
                assert server.poll() is None, f"prefect server exited with {server.returncode}\n{logs()}"
                assert serve.poll() is None, f"leadscore serve exited with {serve.returncode}\n{logs()}"

            final = asyncio.run(_check_deployment_and_run(api_url, serve_env, alive, logs))

    assert final.state is not None and final.state.is_completed(), (
        f"flow run {final.name} ended {final.state.type if final.state else None}: "
        f"{final.state.message if final.state else ''}\n{logs()}"
    )
    scores = published / "fct_lead_scores" / "data.parquet"
    assert scores.is_file(), f"{scores} not written by the triggered run\n{logs()}"
    assert (tmp_path / "reports" / AS_OF / "run_summary.json").is_file(), logs()


async def _check_deployment_and_run(api_url: str, serve_env: dict[str, str], alive, logs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}):
        async with get_client() as client:

            async def deployment():
                alive()
                try:
                    return await client.read_deployment_by_name(DEPLOYMENT)
                except ObjectNotFound:
                    return None

            found = await _await_for(deployment, DEPLOYMENT_WITHIN, f"deployment {DEPLOYMENT}", logs)
            assert len(found.schedules) == 1, f"{found.schedules}\n{logs()}"
            schedule = found.schedules[0]
            assert schedule.active, schedule
            assert isinstance(schedule.schedule, CronSchedule), f"not a cron schedule: {schedule.schedule!r}"
            assert schedule.schedule.cron == CRON, schedule.schedule
            assert schedule.schedule.timezone == "UTC", schedule.schedule
            for parameter, variable in (
                ("duckdb_path", "LEADSCORE_DUCKDB_PATH"),
                ("landing_dir", "LEADSCORE_LANDING_DIR"),
                ("publish_tables_to", "LEADSCORE_PUBLISHED_DIR"),
                ("reports_dir", "LEADSCORE_REPORTS_DIR"),
            ):
                assert found.parameters.get(parameter) == serve_env[variable], found.parameters
            assert Path(found.parameters["project_dir"]) == PROJECT_DIR, found.parameters

            of_this_deployment = DeploymentFilter(id=DeploymentFilterId(any_=[found.id]))

            async def upcoming():
                alive()
                runs = await client.read_flow_runs(
                    deployment_filter=of_this_deployment,
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
                    ),
                )
                return [run for run in runs if run.auto_scheduled]

            scheduled = await _await_for(upcoming, UPCOMING_RUNS_WITHIN, "upcoming scheduled runs", logs)
            for run in scheduled:
                start = run.expected_start_time
                assert (start.hour, start.minute) == (6, 15), f"run {run.name} expected at {start}"

            triggered = await client.create_flow_run_from_deployment(found.id, parameters={"as_of": AS_OF})

            async def finished():
                alive()
                run = await client.read_flow_run(triggered.id)
                return run if run.state is not None and run.state.is_final() else None

            return await _await_for(
                finished, RUN_FINISHED_WITHIN, f"triggered flow run {triggered.name} in a final state", logs, every=2.0
            )
