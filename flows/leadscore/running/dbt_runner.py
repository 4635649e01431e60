"""Run dbt in-process and turn its results into something a person can act on."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from leadscore.settings import Settings


@dataclass
class NodeOutcome:
    unique_id: str
    resource_type: str
    status: str
    message: str | None
    failures: int | None
    relation_name: str | None = None


@dataclass
class BuildResult:
    success: bool
    outcomes: list[NodeOutcome] = field(default_factory=list)
    error: str | None = None

    def count(self, resource_type: str, status: str | None = None) -> int:
        return sum(
            1
            for outcome in self.outcomes
            if outcome.resource_type == resource_type and (status is None or outcome.status == status)
        )

    @property
    def problems(self) -> list[NodeOutcome]:
        return [o for o in self.outcomes if o.status in {"error", "fail", "runtime error"}]


class DbtBuildError(RuntimeError):
    """A dbt build that failed; the message names every failing model, seed or test."""

    def __init__(self, result: BuildResult, details: list[str]):
        self.result = result
        lines = ["dbt build failed:"] + [f"  - {line}" for line in details]
        super().__init__("\n".join(lines))


@contextmanager
def temporary_environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block; the old values (or their absence) come back after."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class Stopped(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt: dbt then cancels its queries and waits for
    its threads (it does that for a KeyboardInterrupt only), a Prefect flow run ends as crashed,
    and every `finally` (run lock, Prefect's temporary server) runs."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


def raise_stopped(signum: int, frame) -> None:
    """A signal handler: SIGTERM as `Stopped`."""
    raise Stopped(signum)


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """SIGTERM raises `Stopped` inside the block, in place of the handler installed before (the
    default ends the process on the spot; Prefect's raises an exception dbt does not cancel its
    threads for, which left them writing DuckDB while the process exited). Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, raise_stopped)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def utc_today() -> date:
    """The default as-of day: today's date in UTC, whatever the host's time zone (landed
    timestamps are read as UTC, so a day is a UTC day)."""
    return datetime.now(timezone.utc).date()


def dbt_vars(as_of: date) -> str:
    return json.dumps({"as_of_date": as_of.isoformat()})


def _busy(exception: BaseException | None) -> bool:
    """DuckDB refused a call on a connection another thread was using."""
    return isinstance(exception, Exception) and "connection is busy with another call" in str(exception)


def run_dbt(
    settings: Settings,
    args: list[str],
    verbose: bool = False,
    on_node_done: Callable[[str, str], None] | None = None,
) -> BuildResult:
    """Invoke dbt with `args` in the project; never raises for a failed build, see BuildResult.
    An interruption (Ctrl-C, SIGTERM) that dbt caught is raised again."""
    from dbt.cli.main import dbtRunner  # imported late: importing dbt before prefect changes Prefect's logs

    def callback(event) -> None:  # dbt's EventMsg
        if on_node_done is not None and event.info.name == "NodeFinished":
            node = event.data.node_info
            on_node_done(node.unique_id, node.node_status)

    command = [
        *args,
        "--project-dir", str(settings.project_dir),
        "--profiles-dir", str(settings.project_dir),
        "--target", settings.target,
    ]
    if not verbose:
        # nothing on the console (the caller reports the failing nodes, see describe_problems; an
        # interruption would print dbt's traceback); the whole log still goes to logs/dbt.log
        command += ["--log-level", "none", "--log-level-file", "info"]
    with temporary_environment(settings.dbt_environment()), sigterm_stops():
        outcome = dbtRunner(callbacks=[callback]).invoke(command)
        if _busy(outcome.exception):
            # Rarely, on a loaded machine, dbt-duckdb reaches one DuckDB connection from two
            # threads while a node's error stops the invocation, and DuckDB's refusal replaces
            # dbt's real message; a second invocation gives that message (or succeeds).
            outcome = dbtRunner(callbacks=[callback]).invoke(command)
    _redact_log(settings)
    if outcome.exception is not None and not isinstance(outcome.exception, Exception):
        # dbt returns even a KeyboardInterrupt or a termination signal as a failed result: the
        # run was interrupted, not failed by a model, so let the interruption go on
        raise outcome.exception

    result = BuildResult(success=bool(outcome.success))
    if outcome.exception is not None:
        result.error = str(outcome.exception)
    for node_result in getattr(outcome.result, "results", None) or []:
        node = node_result.node
        result.outcomes.append(
            NodeOutcome(
                unique_id=node.unique_id,
                resource_type=node.resource_type,
                status=str(node_result.status),
                message=node_result.message,
                failures=node_result.failures,
                relation_name=getattr(node, "relation_name", None),
            )
        )
    return result


def _redact_log(settings: Settings) -> None:
    """The CSV lines DuckDB quoted in an error, taken out of dbt's log file too."""
    log = Path(os.environ.get("DBT_LOG_PATH") or settings.project_dir / "logs") / "dbt.log"
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return
    redacted = without_row_content(text) if "Original Line: " in text else text
    if redacted != text:
        partial = log.with_name(f".{log.name}.partial")
        partial.write_text(redacted)
        os.replace(partial, log)


def describe_problems(result: BuildResult, settings: Settings | None = None) -> list[str]:
    """One line per failing node: what it is and dbt's message (a failed seed load names the
    file, line and value), followed for failed data tests by the offending rows dbt stored."""
    lines = []
    for problem in result.problems:
        lines.append(f"{problem.unique_id}: {problem.status}: {without_row_content(problem.message or '').strip()}")
        if settings is not None and problem.resource_type == "test" and problem.relation_name:
            lines += [f"    {row}" for row in stored_failures(settings, problem.relation_name)]
    if result.error:
        lines.append(without_row_content(result.error).strip())
    return lines or ["dbt reported failure without naming a node (see logs/dbt.log)"]


# DuckDB quotes the whole offending line of a CSV file in its error; the file, the line number and
# what is wrong are enough to fix it, and the line may hold e-mail addresses and names.
_CSV_LINE = re.compile(r"Original Line: [^\n]*")


def without_row_content(message: str) -> str:
    """dbt's message with the content of a CSV line DuckDB quotes replaced by a note."""
    return _CSV_LINE.sub("Original Line: (not shown: it may hold personal data)", message)


def stored_failures(settings: Settings, relation_name: str, limit: int = 5) -> list[str]:
    """The first rows a failed data test stored (store_failures), for the error message."""
    if settings.target != "duckdb" or not settings.duckdb_path.exists():
        return []
    import duckdb

    from leadscore.warehouse import open_duckdb

    try:
        with open_duckdb(settings.duckdb_path, read_only=True) as connection:
            cursor = connection.execute(f"select * from {relation_name} limit {limit + 1}")
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
    except duckdb.Error as error:
        return [f"(could not read stored failures from {relation_name}: {error})"]
    shown = [", ".join(f"{n}={v}" for n, v in zip(names, row)) for row in rows[:limit]]
    if len(rows) > limit:
        shown.append(f"... more rows in {relation_name}")
    return shown


def unit_test_args(as_of: date) -> list[str]:
    """dbt arguments running every unit test on an empty build (models with columns, no rows)."""
    return ["build", "--empty", "--exclude-resource-type", "test", "--vars", dbt_vars(as_of)]


SEED_PHASE = ["--select", "resource_type:seed", "--indirect-selection", "cautious"]


def build(
    settings: Settings,
    as_of: date,
    select: list[str] | None = None,
    verbose: bool = False,
    on_node_done: Callable[[str, str], None] | None = None,
    full_refresh: bool = False,
    unit_tests: bool = False,
) -> BuildResult:
    """`dbt build` (seeds, models and data tests) for one as-of date; raises DbtBuildError.

    Unit tests are left out unless `unit_tests`: their inputs are fixed rows, so they check the
    SQL, not the day's data, and belong to development and CI (`make test-fast` runs them all
    on an empty build), as dbt recommends; a daily run would spend a third of its time on them.

    Two phases: first the seeds and the tests defined on them only, so a broken weights file
    (a duplicate rule, an unknown event type, thresholds out of order, an empty seed) stops the
    run before any model is built; then everything else (seeds and their tests are not run
    again). The returned BuildResult holds the outcomes of both phases.

    `full_refresh` passes dbt's --full-refresh to the model phase: incremental models are rebuilt
    from all landed data (models configured `full_refresh: false`, the score history, are kept).
    The seed phase always reloads the seeds in full."""
    if settings.target == "duckdb":
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    variables = ["--vars", dbt_vars(as_of)]
    seeds = run_dbt(settings, ["build", *variables, *SEED_PHASE], verbose=verbose, on_node_done=on_node_done)
    if not seeds.success:
        raise DbtBuildError(seeds, describe_problems(seeds, settings))
    seed_ids = {outcome.unique_id for outcome in seeds.outcomes}

    args = ["build", *variables, *(["--full-refresh"] if full_refresh else [])]
    if select:
        args += ["--select", *select]
    # Seeds and the tests on seeds alone already ran. "buildable" keeps the tests that read a
    # model and a seed (a relationships test to a seed) and drops those on seeds alone.
    args += ["--exclude", "resource_type:seed", "--indirect-selection", "buildable"]
    # Not `--exclude resource_type:unit_test`: indirect selection would then also drop every
    # data test whose parents all lie upstream of a unit-tested model.
    args += [] if unit_tests else ["--exclude-resource-type", "unit_test"]
    models = run_dbt(settings, args, verbose=verbose, on_node_done=on_node_done)
    result = BuildResult(
        success=models.success,
        outcomes=[*seeds.outcomes, *(o for o in models.outcomes if o.unique_id not in seed_ids)],
        error=models.error,
    )
    if not result.success:
        raise DbtBuildError(result, describe_problems(result, settings))
    if not models.outcomes:
        raise DbtBuildError(result, [f"the selection {select} matched nothing"])
    return result

