"""Run dbt in-process and turn its results into something a person can act on."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
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
    return datetime.now(UTC).date()


def dbt_vars(as_of: date) -> str:
    return json.dumps({"as_of_date": as_of.isoformat()})


def as_of_environment(as_of: date) -> dict[str, str]:
    """The as-of day as the daily build passes it to dbt: an environment variable the macro
    as_of_date_string reads only while nodes run. dbt parses the whole project again whenever
    `--vars` change, so `--vars` with a new day each day cost a full parse per run (~4.5 s of
    CPU here against ~2.5 s warm); a variable dbt never sees while parsing leaves its partial
    parse valid from one day to the next."""
    return {"LEADSCORE_AS_OF_DATE": as_of.isoformat()}


def _busy(exception: BaseException | None) -> bool:
    """DuckDB refused a call on a connection another thread was using."""
    return isinstance(exception, Exception) and "connection is busy with another call" in str(exception)


# dbt commands that run nodes, and so open the DuckDB file read-write
NODE_COMMANDS = frozenset({"build", "run", "seed", "test", "snapshot"})


@contextmanager
def duckdb_held_open(settings: Settings, args: list[str]) -> Iterator[None]:
    """The DuckDB database kept open for one dbt invocation that runs nodes.

    dbt-duckdb (`keep_open: false` in profiles.yml) closes the database whenever none of dbt's
    threads holds a connection and opens it again for the next node. DuckDB reads the catalog
    (hundreds of stored test failures) on each open and checkpoints on each close: at 100 leads,
    ~130 closes in one build took more time than every query of it. One more connection from
    this process, held for the invocation, keeps that database instance open: DuckDB has one
    instance per file and process, and dbt-duckdb's connections join it (it connects with the
    same, empty, configuration; its settings are SET per cursor). The instance closes, with one
    checkpoint, when the invocation ends, so a later connection of this process, read-only or
    with other settings, opens the file as before. Nothing is held for other targets, for
    commands that run no nodes, or when the file cannot be opened (dbt then says why)."""
    if settings.target != "duckdb" or not NODE_COMMANDS.intersection(args[:1]):
        yield
        return
    import duckdb

    try:
        held = duckdb.connect(str(settings.duckdb_path))
    except duckdb.Error:
        held = None
    try:
        yield
    finally:
        if held is not None:
            held.close()


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
        "--project-dir",
        str(settings.project_dir),
        "--profiles-dir",
        str(settings.project_dir),
        "--target",
        settings.target,
    ]
    if not verbose:
        # nothing on the console (the caller reports the failing nodes, see describe_problems; an
        # interruption would print dbt's traceback); the whole log still goes to logs/dbt.log
        command += ["--log-level", "none", "--log-level-file", "info"]
    with temporary_environment(settings.dbt_environment()), sigterm_stops(), duckdb_held_open(settings, args):
        outcome = dbtRunner(callbacks=[callback]).invoke(command)
        if _busy(outcome.exception):
            # Rarely, on a loaded machine, dbt-duckdb reaches one DuckDB connection from two
            # threads while a node's error stops the invocation, and DuckDB's refusal replaces
            # dbt's real message; a second invocation gives that message (or succeeds).
            outcome = dbtRunner(callbacks=[callback]).invoke(command)
    _redact_log(settings)
    return build_result(outcome)


def build_result(outcome) -> BuildResult:
    """A BuildResult from dbt's dbtRunnerResult. dbt returns even a KeyboardInterrupt or a
    termination signal as a failed result: the run was interrupted, not failed by a model, so the
    interruption is raised again."""
    if outcome.exception is not None and not isinstance(outcome.exception, Exception):
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
# What the seed phase reads, below the project folder: seed properties may be declared in any
# YAML file of the project; tests on seeds are generic tests (tests/generic, macros/) or
# singular ones (tests/).
SEED_INPUT_FOLDERS = {
    "macros": (".sql", ".yml", ".yaml"),
    "tests": (".sql", ".yml", ".yaml"),
    "models": (".yml", ".yaml"),
}


def seed_fingerprint(settings: Settings) -> str:
    """A hash of every input of the seed phase: the seed folder's files (the CSV files and their
    YAML: column types, tests), dbt_project.yml (seed configs), the project's YAML, the SQL of
    tests and macros, and the versions of dbt and its adapter. Equal fingerprints load the same
    seed tables and run the same tests on them."""
    from importlib.metadata import version

    seeds_dir = settings.seeds_dir or settings.project_dir / "seeds"
    digest = hashlib.sha256(
        f"dbt-core {version('dbt-core')}, dbt-{settings.target} {version(f'dbt-{settings.target}')}".encode()
    )
    roots = [
        ("seeds", seeds_dir, None),
        *((name, settings.project_dir / name, suffixes) for name, suffixes in SEED_INPUT_FOLDERS.items()),
    ]
    files = [("dbt_project.yml", settings.project_dir / "dbt_project.yml")]
    for name, root, suffixes in roots:
        files += sorted(
            (f"{name}/{path.relative_to(root).as_posix()}", path)
            for path in root.rglob("*")
            if path.is_file()
            and (suffixes is None or path.suffix in suffixes)
            and not {"python", "__pycache__"} & set(path.relative_to(root).parts)
        )
    for name, path in files:
        digest.update(f"\0{name}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def seed_tables(settings: Settings) -> set[str]:
    """The tables the seed phase loads: one per CSV file of the seed folder."""
    seeds_dir = settings.seeds_dir or settings.project_dir / "seeds"
    return {path.stem for path in seeds_dir.rglob("*.csv")}


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
    The date goes to dbt as an environment variable, not `--vars` (see as_of_environment).

    Unit tests are left out unless `unit_tests`: their inputs are fixed rows, so they check the
    SQL, not the day's data, and belong to development and CI (`make test-fast` runs them all
    on an empty build), as dbt recommends; a daily run would spend a third of its time on them.

    Two phases: first the seeds and the tests defined on them only, so a broken weights file
    (a duplicate rule, an unknown event type, thresholds out of order, an empty seed) stops the
    run before any model is built; then everything else (seeds and their tests are not run
    again). The returned BuildResult holds the outcomes of both phases.

    The seed phase runs when its inputs could have changed. On DuckDB a build that passed records
    the fingerprint of the seed phase's inputs in the warehouse (`seed_fingerprint`); the next
    build skips the seed phase, and so the tests on seeds alone, when the fingerprint is the same
    and every seed table is there, as their tables and tests would be the same. The record is
    dropped before seeds are loaded and written only after the whole build passed, so a failed or
    killed run always loads and tests the seeds again. A full refresh and the other targets
    always run it. Tests that read a seed and a model run in the model phase, every time.

    `full_refresh` passes dbt's --full-refresh to the model phase: incremental models are rebuilt
    from all landed data (models configured `full_refresh: false`, the score history, are kept).
    The seed phase always reloads the seeds in full."""
    from leadscore.warehouse import forget_seed_load, loaded_seed_fingerprint, record_seed_load

    if settings.target == "duckdb":
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    fingerprint = seed_fingerprint(settings) if settings.target == "duckdb" else None
    seeds_loaded = (
        fingerprint is not None
        and not full_refresh
        and loaded_seed_fingerprint(settings, seed_tables(settings)) == fingerprint
    )
    seeds = BuildResult(success=True)
    if not seeds_loaded:
        if fingerprint is not None:
            forget_seed_load(settings)
        with temporary_environment(as_of_environment(as_of)):
            seeds = run_dbt(settings, ["build", *SEED_PHASE], verbose=verbose, on_node_done=on_node_done)
        if not seeds.success:
            raise DbtBuildError(seeds, describe_problems(seeds, settings))
    seed_ids = {outcome.unique_id for outcome in seeds.outcomes}

    args = ["build", *(["--full-refresh"] if full_refresh else [])]
    if select:
        args += ["--select", *select]
    # Seeds and the tests on seeds alone already ran (or their inputs did not change). "buildable"
    # keeps the tests that read a model and a seed (a relationships test to a seed) and drops
    # those on seeds alone.
    args += ["--exclude", "resource_type:seed", "--indirect-selection", "buildable"]
    # Not `--exclude resource_type:unit_test`: indirect selection would then also drop every
    # data test whose parents all lie upstream of a unit-tested model.
    args += [] if unit_tests else ["--exclude-resource-type", "unit_test"]
    with temporary_environment(as_of_environment(as_of)):
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
    if fingerprint is not None and not seeds_loaded:
        record_seed_load(settings, fingerprint)
    return result
