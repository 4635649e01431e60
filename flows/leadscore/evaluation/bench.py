"""`leadscore bench`: the daily dbt build against DuckDB's floor, at demo-data sizes.

Per size it generates a year of demo events plus one more day, then measures, each in its own
child process (wall time and peak resident memory from wait4):
  floor        one DuckDB `group by lead_id, event_type` over the same events files
  store        one DuckDB `create table as select *` of the same events files into a database file:
               the least any build that keeps the events (as an incremental one must) does
  startup      `dbt parse` of the project (warm partial parse, as the day before's run left it): dbt's
               fixed cost per invocation
  full         the daily build for the new day with --full-refresh (its seed phase always runs)
  incremental  the daily build for the new day on a warehouse built up to the day before (the seed
               phase is skipped: the seeds did not change since that build)
  two_years    (sizes in --two-years) the same daily build on two years of history with the same
               leads and twice the events, so as many events a day: what history length costs
  backtest     (sizes in --backtest) the live seed set of a backtest scoring BACKTEST_DAYS sampled
               days (every 14th, up to the last day whose conversion window is known): seeds loaded
               and the landed data profiled, the days scored, the outcomes observed
Full and incremental start from copies of the same warehouse (built for the day before, so the
score history holds that day), and their fct_lead_scores and that day's history are compared.
The targets printed are issue 17's (see ratio_rows).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

SIZES = {"XS": 100, "S": 10_000, "M": 100_000, "L": 1_000_000}
# A size this small is all fixed cost: its full build is dbt's per-node work with next to no data.
FIXED_COST_MAX_LEADS = 1_000
# Issue 17's targets: 1. the daily run at L at most DAILY_FLOOR_TARGET x the floor, and on two years
# of history at most LONG_HISTORY_TARGET x the run on one; 2. the full build at L at most
# FULL_FLOOR_TARGET x the floor, peak memory at most PEAK_GIB_TARGET; 3. the daily run of a size of
# at most FIXED_COST_MAX_LEADS (XS) in FIXED_COST_DAILY_TARGET_SECONDS; 4. a backtest's BACKTEST_DAYS
# days in at most BACKTEST_TARGET x the daily run; 6. full == incremental.
TARGET_SIZE_LEADS = SIZES["L"]
DAILY_FLOOR_TARGET = 20.0
LONG_HISTORY_TARGET = 1.2
FULL_FLOOR_TARGET = 60.0
PEAK_GIB_TARGET = 4.0
FIXED_COST_DAILY_TARGET_SECONDS = 10.0
BACKTEST_DAYS = 13
BACKTEST_EVERY = 14
BACKTEST_TARGET = 3.0
EVENTS_PER_LEAD = 50.0
HISTORY_DAYS = 365
KINDS = ("floor", "store", "startup", "full", "incremental")
TWO_YEARS = "two_years"
# profiles.yml's defaults on DuckDB, for the floor's settings and the printed machine line
DUCKDB_MEMORY_LIMIT, DBT_THREADS = "3300MB", "2"
BACKTEST = "backtest"
COMPARED = {
    "fct_lead_scores": "select * from {db}.main.fct_lead_scores",
    "fct_lead_score_history": "select * from {db}.main.fct_lead_score_history where as_of_date = '{day}'",
}


@dataclass
class Measure:
    kind: str
    seconds: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_rss_mib)


@dataclass
class SizeResult:
    name: str
    leads: int
    events: int
    measures: dict[str, Measure]
    identical: dict[str, int]  # rows that differ between full and incremental, per table ({}: not checked)
    backtest_days: int = 0  # days the backtest step scored (0: not run)
    two_years_events: int = 0  # events of the two-year data (0: not run)


def parse_sizes(spec: str) -> dict[str, int]:
    """ "S,M" or "T=300": names of SIZES, or NAME=LEADS for another size."""
    sizes: dict[str, int] = {}
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        name, _, leads = part.partition("=")
        if leads:
            if not leads.isdigit() or int(leads) < 1:
                raise ValueError(f"size {part!r}: leads must be a positive whole number")
            sizes[name] = int(leads)
        elif name.upper() in SIZES:
            sizes[name.upper()] = SIZES[name.upper()]
        else:
            raise ValueError(f"unknown size {part!r}: use {', '.join(SIZES)} or NAME=LEADS")
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


def prepare_landing(
    root: Path, leads: int, day: date, history_days: int = HISTORY_DAYS, events_per_lead: float = EVENTS_PER_LEAD
) -> tuple[Path, Path, int]:
    """Demo data for `history_days` days before `day` and `day` itself, as two landing folders
    sharing the files: `history` (events up to the day before) and `full` (plus the new day's
    events file). Returns both folders and the number of events."""
    from leadscore.demo.demo_data import generate_demo_data

    raw = root / "raw"
    counts = generate_demo_data(
        raw, leads=leads, end_date=day, events_per_lead=events_per_lead, history_days=history_days + 1
    )
    history, full = root / "landing_history", root / "landing_full"
    for landing in (history, full):
        (landing / "events").mkdir(parents=True, exist_ok=True)
        for stem in ("leads", "accounts", "lifecycle"):
            target = landing / f"{stem}.parquet"
            if not target.exists():
                target.symlink_to(raw / f"{stem}.parquet")
    import duckdb

    with duckdb.connect() as con:
        source = str(raw / "events.parquet").replace("'", "''")
        for name, condition, folders in (
            ("history", f"occurred_at < date '{day}'", (history, full)),
            ("day", f"occurred_at >= date '{day}'", (full,)),
        ):
            path = full / "events" / f"{name}.parquet"
            con.execute(f"copy (select * from read_parquet('{source}') where {condition}) to '{path}' (format parquet)")
            for folder in folders:
                if folder != full:
                    (folder / "events" / f"{name}.parquet").symlink_to(path)
    (raw / "events.parquet").unlink()
    return history, full, counts["events"]


PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "seed_overlays", "tests")


def freeze_project(root: Path) -> Path:
    """A copy of the dbt project for the whole run: edits made meanwhile neither change what is
    measured nor make dbt parse the project again."""
    from leadscore.settings import find_project_dir

    source, copy = find_project_dir(), root / "project"
    copy.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, copy / part, ignore=shutil.ignore_patterns("python", "__pycache__"))
        elif (source / part).exists():
            shutil.copy2(source / part, copy / part)
    return copy


def _child_environment(root: Path, landing: Path, warehouse: Path, project: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    project = project or root / "project"
    if project.is_dir():
        env["LEADSCORE_PROJECT_DIR"] = str(project)
    env.update(
        LEADSCORE_LANDING_DIR=str(landing),
        LEADSCORE_DUCKDB_PATH=str(warehouse),
        DBT_TARGET_PATH=str(root / "dbt_target"),
        DBT_LOG_PATH=str(root / "dbt_logs"),
        LEADSCORE_EMAIL_SALT="bench",
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def run_child(kind: str, day: date, env: dict[str, str]) -> tuple[float, float]:
    """Run one measured step in a child process; returns (seconds, peak RSS in MiB)."""
    command = [sys.executable, "-m", "leadscore.evaluation.bench", kind, day.isoformat()]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = output.decode(errors="replace").strip().splitlines()[-30:]
        raise RuntimeError(f"bench step {kind} for {day} failed:\n" + "\n".join(tail))
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def prepare_and_build_base(
    name: str, leads: int, root: Path, day: date, project: Path, log=print, history_days: int = HISTORY_DAYS
) -> tuple[dict[str, str], int, float, float]:
    """Demo data in root (history_days of history, as many events a day whatever its length), the
    warehouse built for the day before (not timed, copied to root/base.duckdb) and dbt's partial
    parse left warm for the new day. Returns the timed steps' environment, the number of events
    and the base build's seconds and peak RSS."""
    log(f"[{name}] generating {leads:,} leads, {history_days} days of history, into {root}")
    # in a child too: a child's peak RSS counts the parent's RSS at fork, so the parent stays small
    run_child(
        "prepare",
        day,
        {
            **os.environ,
            "LEADSCORE_BENCH_ROOT": str(root),
            "LEADSCORE_BENCH_LEADS": str(leads),
            "LEADSCORE_BENCH_HISTORY_DAYS": str(history_days),
        },
    )
    history, full = root / "landing_history", root / "landing_full"
    events = json.loads((root / "prepared.json").read_text())["events"]
    # every timed dbt step uses one warehouse path and landing folder, as daily runs do:
    # a change in any of them makes dbt parse the whole project again
    warehouse = root / "warehouse" / "leadscore.duckdb"
    environment = _child_environment(root, full, warehouse, project)
    log(f"[{name}] {events:,} events; building the warehouse for {day - timedelta(days=1)} (not timed)")
    seconds, rss = run_child("build", day - timedelta(days=1), _child_environment(root, history, warehouse, project))
    shutil.copy2(warehouse, root / "base.duckdb")
    # dbt's partial parse as a daily run finds it: left by the day before's run (not timed; the
    # base build parsed with the history landing folder). Were the day part of what dbt parses,
    # the timed builds would pay for parsing the whole project again, as daily runs would.
    run_child("startup", day - timedelta(days=1), environment)
    return environment, events, seconds, rss


def same_events_a_day(history_days: int, day: date, sample_leads: int = 2_000) -> float:
    """The demo data's events_per_lead that gives `history_days` of history as many events a day as
    HISTORY_DAYS at EVENTS_PER_LEAD. Not proportional to the length: e-mails are sent weekly over
    the whole history and only web activity follows events_per_lead, so one proportional step is
    taken from a guess on a small sample (the rates agree within about 1 %)."""
    import tempfile

    from leadscore.demo.demo_data import generate_demo_data

    def events_a_day(days: int, events_per_lead: float) -> float:
        with tempfile.TemporaryDirectory() as folder:
            counts = generate_demo_data(
                Path(folder), leads=sample_leads, end_date=day, events_per_lead=events_per_lead, history_days=days + 1
            )
        return counts["events"] / (days + 1)

    wanted = events_a_day(HISTORY_DAYS, EVENTS_PER_LEAD)
    guess = EVENTS_PER_LEAD * history_days / HISTORY_DAYS
    return guess * wanted / events_a_day(history_days, guess)


def bench_size(
    name: str,
    leads: int,
    root: Path,
    repeats: int,
    day: date,
    log=print,
    full_from_base: bool = False,
    two_years: bool = False,
    backtest: bool = False,
) -> SizeResult:
    root.mkdir(parents=True, exist_ok=True)
    project = freeze_project(root)
    environment, events, seconds, rss = prepare_and_build_base(name, leads, root, day, project, log)
    base, warehouse = root / "base.duckdb", Path(environment["LEADSCORE_DUCKDB_PATH"])
    measures = {kind: Measure(kind) for kind in KINDS}
    kinds = KINDS
    if full_from_base:
        # to save machine time at big sizes: the full build is the base build (from an empty
        # warehouse, one day earlier), measured once, and full == incremental is not checked
        measures["full"].seconds.append(seconds)
        measures["full"].peak_rss_mib.append(rss)
        log(f"[{name}] full (the base build) {seconds:.1f} s, peak RSS {rss:.0f} MiB")
        kinds = tuple(kind for kind in KINDS if kind != "full")
    for repeat in range(1, repeats + 1):
        for kind in kinds:
            if kind in ("full", "incremental"):
                shutil.copy2(base, warehouse)
            step = {"full": "build_full_refresh", "incremental": "build"}.get(kind, kind)
            _measure(measures, kind, step, day, environment, f"[{name}] repeat {repeat}:", log)
            if kind in ("full", "incremental"):
                shutil.copy2(warehouse, root / f"{kind}.duckdb")
    identical = {} if full_from_base else compare_outputs(root / "full.duckdb", root / "incremental.duckdb", day)
    backtest_days, two_years_events = 0, 0
    if backtest:
        # the landed data of the new day too: outcomes are known up to it
        measures[BACKTEST] = Measure(BACKTEST)
        for repeat in range(1, repeats + 1):
            shutil.rmtree(root / BACKTEST, ignore_errors=True)
            _measure(measures, BACKTEST, BACKTEST, day, environment, f"[{name}] repeat {repeat}:", log)
        backtest_days = json.loads((root / BACKTEST / "days.json").read_text())["days"]
    if two_years:
        longer = root / TWO_YEARS
        longer.mkdir()
        environment, two_years_events, _, _ = prepare_and_build_base(
            f"{name}, two years", leads, longer, day, project, log, history_days=2 * HISTORY_DAYS
        )
        measures[TWO_YEARS] = Measure(TWO_YEARS)
        for repeat in range(1, repeats + 1):
            shutil.copy2(longer / "base.duckdb", environment["LEADSCORE_DUCKDB_PATH"])
            _measure(
                measures, TWO_YEARS, "build", day, environment, f"[{name}] repeat {repeat}: daily on two years,", log
            )
        shutil.rmtree(longer, ignore_errors=True)
    return SizeResult(name, leads, events, measures, identical, backtest_days, two_years_events)


def _measure(measures: dict[str, Measure], kind: str, step: str, day: date, environment: dict, say: str, log) -> None:
    seconds, rss = run_child(step, day, environment)
    measures[kind].seconds.append(seconds)
    measures[kind].peak_rss_mib.append(rss)
    log(f"{say} {kind} {seconds:.1f} s, peak RSS {rss:.0f} MiB")


def compare_outputs(full: Path, incremental: Path, day: date) -> dict[str, int]:
    """Rows in one warehouse's table and not the other's (both ways), per compared table."""
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"attach '{full}' as full_db (read_only)")
        con.execute(f"attach '{incremental}' as incremental_db (read_only)")
        differences = {}
        for table, query in COMPARED.items():
            a = query.format(db="full_db", day=day)
            b = query.format(db="incremental_db", day=day)
            differences[table] = con.execute(
                f"select (select count(*) from ({a} except all {b})) + (select count(*) from ({b} except all {a}))"
            ).fetchone()[0]
    return differences


def ratio_rows(results: list[SizeResult]) -> list[tuple[str, str, str, str]]:
    """(target, size, measured, verdict) for issue 17's targets (numbered as in the issue; 5, the CI
    time, is not the benchmark's), then rows that explain them (verdict "-"). A target set at L
    gets its verdict at L (a size of at least TARGET_SIZE_LEADS leads) and "-" elsewhere."""
    rows = []
    for r in results:
        m = r.measures
        ratio = m["incremental"].median / m["floor"].median
        rows.append(
            (
                f"1. daily run / floor <= {DAILY_FLOOR_TARGET:.0f}x at L",
                r.name,
                f"{ratio:.1f}x",
                _at_l(r, ratio <= DAILY_FLOOR_TARGET),
            )
        )
    rows += _over_daily_run(
        results,
        TWO_YEARS,
        lambda r: f"1. daily run, two years of history / one year <= {LONG_HISTORY_TARGET}",
        LONG_HISTORY_TARGET,
    )
    for r in results:
        ratio = r.measures["full"].median / r.measures["floor"].median
        rows.append(
            (
                f"2. full build / floor <= {FULL_FLOOR_TARGET:.0f}x at L",
                r.name,
                f"{ratio:.1f}x",
                _at_l(r, ratio <= FULL_FLOOR_TARGET),
            )
        )
    for r in results:
        peak = max(m.peak for m in r.measures.values()) / 1024
        rows.append(
            (f"2. peak RSS <= {PEAK_GIB_TARGET:.0f} GiB", r.name, f"{peak:.2f} GiB", _verdict(peak <= PEAK_GIB_TARGET))
        )
    rows += daily_fixed_cost_rows(results)
    rows += _over_daily_run(
        results,
        BACKTEST,
        lambda r: f"4. backtest, {r.backtest_days} days, one seed set / daily run <= {BACKTEST_TARGET:.0f}x",
        BACKTEST_TARGET,
    )
    for r in results:
        same = all(count == 0 for count in r.identical.values())
        detail = ", ".join(f"{table} {count}" for table, count in r.identical.items()) or "not checked"
        rows.append(("6. full == incremental (rows differing)", r.name, detail, _verdict(same) if r.identical else "-"))
    for r in results:
        share = r.measures["incremental"].median / r.measures["full"].median
        rows.append(("daily run / full build", r.name, f"{share:.1%}", "-"))
    rows += store_rows(results)
    rows += fixed_cost_rows(results)
    return rows


def _over_daily_run(
    results: list[SizeResult], kind: str, target: Callable[[SizeResult], str], limit: float
) -> list[tuple[str, str, str, str]]:
    """A measure against the same size's daily run, for each size it was measured at."""
    rows = []
    for r in results:
        if kind in r.measures:
            measured, daily = r.measures[kind].median, r.measures["incremental"].median
            text = f"{measured / daily:.2f}x ({measured:.1f} s / {daily:.1f} s)"
            rows.append((target(r), r.name, text, _verdict(measured / daily <= limit)))
    return rows


def _at_l(result: SizeResult, met: bool) -> str:
    return _verdict(met) if result.leads >= TARGET_SIZE_LEADS else "-"


def store_rows(results: list[SizeResult]) -> list[tuple[str, str, str, str]]:
    """How far storing the events alone is from the floor: a build that keeps the events for the
    next day's run cannot be quicker than copying them."""
    return [
        (
            "store / floor: least full build / floor of a build that keeps the events",
            r.name,
            f"{r.measures['store'].median / r.measures['floor'].median:.1f}x",
            "-",
        )
        for r in results
        if "store" in r.measures
    ]


def fixed_cost_rows(results: list[SizeResult]) -> list[tuple[str, str, str, str]]:
    """With a size of at most FIXED_COST_MAX_LEADS leads in the run, its daily run is the daily
    run's fixed cost (every dbt node run on next to no data): its share of each bigger size's daily
    run, and what is left of that run against the floor."""
    smallest = min(results, key=lambda r: r.leads, default=None)
    if smallest is None or smallest.leads > FIXED_COST_MAX_LEADS:
        return []
    fixed = smallest.measures["incremental"].median
    rows = []
    for r in (r for r in results if r is not smallest):
        daily = r.measures["incremental"].median
        rows.append((f"fixed cost ({smallest.name} daily run) / daily run", r.name, f"{fixed / daily:.1%}", "-"))
        rows.append(
            (
                f"daily run minus fixed cost ({smallest.name} daily run) / floor",
                r.name,
                f"{(daily - fixed) / r.measures['floor'].median:.1f}x",
                "-",
            )
        )
    return rows


def daily_fixed_cost_rows(results: list[SizeResult]) -> list[tuple[str, str, str, str]]:
    """Issue 17, target 3: a daily (incremental) run at a size of at most FIXED_COST_MAX_LEADS
    leads, all fixed cost, in at most FIXED_COST_DAILY_TARGET_SECONDS."""
    target = f"3. XS daily run <= {FIXED_COST_DAILY_TARGET_SECONDS:.0f} s"
    return [
        (
            target,
            r.name,
            f"{r.measures['incremental'].median:.1f} s",
            _verdict(r.measures["incremental"].median <= FIXED_COST_DAILY_TARGET_SECONDS),
        )
        for r in results
        if r.leads <= FIXED_COST_MAX_LEADS
    ]


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": memory,
        "load_average_at_end": load,
        "duckdb_memory_limit": os.environ.get("LEADSCORE_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT),
        "duckdb_threads": os.environ.get("LEADSCORE_DUCKDB_THREADS", "2"),
        "dbt_threads": os.environ.get("LEADSCORE_DBT_THREADS", DBT_THREADS),
    }


def render(results: list[SizeResult], repeats: int, info: dict[str, str], started: datetime) -> str:
    lines = [
        f"Benchmark run {started:%Y-%m-%d %H:%M} UTC, {repeats} repeat(s) each, medians.",
        f"Machine: {info['cpu']}, {info['nproc']} cores, {info['memory']} RAM; load average at the end "
        f"{info['load_average_at_end']}; DuckDB memory_limit {info['duckdb_memory_limit']}, threads "
        f"{info['duckdb_threads']}; dbt threads {info['dbt_threads']}.",
        "",
        "| size | leads | events | floor s | store s | dbt start-up s | full build s | incremental s | peak RSS full MiB | peak RSS incremental MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r.measures
        lines.append(
            f"| {r.name} | {r.leads:,} | {r.events:,} | {m['floor'].median:.2f} | {_median_text(m, 'store')} | "
            f"{m['startup'].median:.2f} | "
            f"{m['full'].median:.1f} | {m['incremental'].median:.1f} | {m['full'].peak:.0f} | {m['incremental'].peak:.0f} |"
        )
    extra = [r for r in results if TWO_YEARS in r.measures or BACKTEST in r.measures]
    if extra:
        lines += [
            "",
            "| size | events, two years | daily run, two years of history s | peak RSS MiB | backtest days | backtest, one seed set s | peak RSS MiB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in extra:
            two_years = f"{r.two_years_events:,}" if r.two_years_events else "-"
            cells = [r.name, two_years, _median_text(r.measures, TWO_YEARS, 1), _peak_text(r.measures, TWO_YEARS)]
            cells += [
                str(r.backtest_days or "-"),
                _median_text(r.measures, BACKTEST, 1),
                _peak_text(r.measures, BACKTEST),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| target | size | measured | verdict |", "|---|---|---|---|"]
    lines += [f"| {t} | {s} | {v} | {verdict} |" for t, s, v, verdict in ratio_rows(results)]
    return "\n".join(lines) + "\n"


def _median_text(measures: dict[str, Measure], kind: str, digits: int = 2) -> str:
    return f"{measures[kind].median:.{digits}f}" if kind in measures else "-"


def _peak_text(measures: dict[str, Measure], kind: str) -> str:
    return f"{measures[kind].peak:.0f}" if kind in measures else "-"


def run_bench(
    sizes: dict[str, int],
    repeats: int,
    work_dir: Path,
    results_dir: Path,
    day: date | None = None,
    keep_data: bool = False,
    log=print,
    full_from_base: tuple[str, ...] = (),
    two_years: tuple[str, ...] = (),
    backtest: tuple[str, ...] = (),
) -> tuple[str, Path]:
    """Benchmark every size; write results_dir/<date>.md and .json; return the table and md path."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    started = datetime.now(UTC)
    day = day or started.date() - timedelta(days=1)
    results = []
    for name, leads in sizes.items():
        root = work_dir / name
        shutil.rmtree(root, ignore_errors=True)
        results.append(
            bench_size(
                name,
                leads,
                root,
                repeats,
                day,
                log=log,
                full_from_base=name in full_from_base,
                two_years=name in two_years,
                backtest=name in backtest,
            )
        )
        if not keep_data:
            shutil.rmtree(root, ignore_errors=True)
    info = machine()
    table = render(results, repeats, info, started)
    results_dir.mkdir(parents=True, exist_ok=True)
    # the start time in the name: a second run on the same day with the same sizes keeps the first
    stem = f"{started:%Y-%m-%d-%H%M}-{'-'.join(sizes)}"
    path = results_dir / f"{stem}.md"
    path.write_text(table, encoding="utf-8")
    payload = {
        "started": started.isoformat(),
        "repeats": repeats,
        "machine": info,
        "sizes": [
            {
                **{k: v for k, v in asdict(r).items() if k != "measures"},
                "measures": {k: asdict(m) for k, m in r.measures.items()},
            }
            for r in results
        ],
        "targets": [dict(zip(("target", "size", "measured", "verdict"), row)) for row in ratio_rows(results)],
    }
    (results_dir / f"{stem}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return table, path


# ---------------------------------------------------------------------------------------------
# The `leadscore bench` command (registered at the end of cli.py).


def register(app) -> None:
    from rich.console import Console

    console = Console(stderr=True)

    @app.command("bench")
    def bench(
        sizes: Annotated[str, typer.Option(help="Sizes: S (10k leads), M (100k), L (1M), or NAME=LEADS")] = "S,M",
        repeats: Annotated[int, typer.Option(min=1, help="Runs of each step; medians are reported")] = 3,
        work_dir: Annotated[
            Path | None, typer.Option(help="Where data and warehouses go (default: a temp folder)")
        ] = None,
        results_dir: Annotated[
            Path | None, typer.Option(help="Where the dated .md and .json results go (default: bench/results)")
        ] = None,
        keep_data: Annotated[bool, typer.Option(help="Keep generated data and warehouses")] = False,
        full_from_base: Annotated[
            str,
            typer.Option(help="Sizes (e.g. L) whose full build is the base build, once, without the equality check"),
        ] = "",
        two_years: Annotated[
            str, typer.Option(help="Sizes whose daily run is also timed on two years of history (target 1)")
        ] = "M",
        backtest: Annotated[
            str, typer.Option(help=f"Sizes whose backtest of {BACKTEST_DAYS} sampled days is timed (target 4)")
        ] = "M",
    ) -> None:
        """Time the daily build against DuckDB's floor (full, incremental, start-up, peak memory), a
        daily run on two years of history and a backtest; print issue 17's targets with verdicts."""
        import tempfile

        from leadscore.settings import find_project_dir

        try:
            parsed = parse_sizes(sizes)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--sizes") from error
        project = find_project_dir()
        os.environ.setdefault("LEADSCORE_PROJECT_DIR", str(project))
        work = work_dir or Path(tempfile.mkdtemp(prefix="leadscore-bench-"))
        try:
            table, path = run_bench(
                parsed,
                repeats,
                work,
                results_dir or project / "bench" / "results",
                keep_data=keep_data,
                log=lambda line: console.print(line, markup=False),
                full_from_base=_names(full_from_base),
                two_years=_names(two_years),
                backtest=_names(backtest),
            )
        except RuntimeError as error:
            console.print(str(error), style="red", markup=False)
            raise typer.Exit(1) from error
        finally:
            if work_dir is None and not keep_data:
                shutil.rmtree(work, ignore_errors=True)
        print(table)
        console.print(f"Results written to {path} and {path.with_suffix('.json')}")


def _names(spec: str) -> tuple[str, ...]:
    return tuple(name.strip().upper() for name in spec.split(",") if name.strip())


# ---------------------------------------------------------------------------------------------
# Child steps: `python -m leadscore.evaluation.bench <step> <day>`, settings from the environment.


def _events_glob() -> str:
    return str(Path(os.environ["LEADSCORE_LANDING_DIR"]) / "events" / "*.parquet").replace("'", "''")


def _duckdb_config() -> dict[str, object]:
    return {
        "memory_limit": os.environ.get("LEADSCORE_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT),
        "threads": int(os.environ.get("LEADSCORE_DUCKDB_THREADS", "2")),
    }


def _floor() -> None:
    import duckdb

    with duckdb.connect(config=_duckdb_config()) as con:
        con.execute(
            f"create table floor as select lead_id, event_type, count(*) as events "
            f"from read_parquet('{_events_glob()}') group by lead_id, event_type"
        )


def _store() -> None:
    import duckdb

    path = Path(os.environ["LEADSCORE_DUCKDB_PATH"]).with_name("store.duckdb")
    path.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(path), config=_duckdb_config()) as con:
            con.execute(f"create table events as select * from read_parquet('{_events_glob()}')")
            con.execute("checkpoint")
    finally:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _child(step: str, day: date) -> None:
    from leadscore.running.dbt_runner import as_of_environment, build, run_dbt, temporary_environment
    from leadscore.settings import Settings

    settings = Settings.resolve()
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    if step == "startup":
        # invoked as the builds invoke dbt (the day in the environment, no --vars), so dbt's
        # partial parse stays warm, as a daily run finds it after the day before's run
        with temporary_environment(as_of_environment(day)):
            result = run_dbt(settings, ["parse"])
        if not result.success:
            raise SystemExit(f"dbt parse failed: {result.error}")
    elif step == "build":
        build(settings, day)
    elif step == "build_full_refresh":
        # the daily build with every derived table rebuilt (history is protected) and the seeds
        # loaded and tested
        build(settings, day, full_refresh=True)
    elif step == BACKTEST:
        _backtest(settings, day)
    else:
        raise SystemExit(f"unknown bench step {step}")


def _backtest(settings, day: date) -> None:
    """What `leadscore backtest` does for its live seed set: load the seeds (untested, as there:
    the daily runs test the live seeds) and profile the landed data in one build, score BACKTEST_DAYS days BACKTEST_EVERY days apart (the last one the
    last day whose conversion window is over by `day`), observe the outcomes up to `day`."""
    from leadscore.evaluation.backtest import (
        LIVE,
        DbtProject,
        HistoryRequest,
        SeedSetRun,
        conversion_window_days,
        plan_from_landed_data,
    )

    work = Path(settings.duckdb_path).parents[1] / BACKTEST
    window = conversion_window_days(settings.project_dir)
    start = day - timedelta(days=window + BACKTEST_EVERY * (BACKTEST_DAYS - 1))
    with DbtProject(settings, work) as project:
        run = SeedSetRun(project, LIVE, None)
        plan = plan_from_landed_data(run, HistoryRequest(day, start=start, every=BACKTEST_EVERY), window)
        run.score(plan.days)
        run.observe(plan)
    (work / "days.json").write_text(json.dumps({"days": len(plan.days)}))


if __name__ == "__main__":
    step, day_text = sys.argv[1], sys.argv[2]
    if step == "prepare":
        bench_root, bench_day = Path(os.environ["LEADSCORE_BENCH_ROOT"]), date.fromisoformat(day_text)
        days = int(os.environ["LEADSCORE_BENCH_HISTORY_DAYS"])
        per_lead = EVENTS_PER_LEAD if days == HISTORY_DAYS else same_events_a_day(days, bench_day)
        _, _, event_rows = prepare_landing(
            bench_root, int(os.environ["LEADSCORE_BENCH_LEADS"]), bench_day, days, per_lead
        )
        (bench_root / "prepared.json").write_text(json.dumps({"events": event_rows}))
    elif step == "floor":
        _floor()
    elif step == "store":
        _store()
    else:
        _child(step, date.fromisoformat(day_text))
