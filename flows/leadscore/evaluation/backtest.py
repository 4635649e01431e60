"""Backtest: score past days with the live seeds and with a candidate seed set, side by side.

Each seed set scores the observation days into its own DuckDB file under a work folder (never the
warehouse, never published/): dbt loads the seeds once, checks the landed events once (for the last
day), then runs the models up to fct_lead_score_history that read the as-of day for every day (see
replay_models), and fct_lead_score_observations as of the outcome day says which
scored leads reached sql (or a later stage) within the judged window. Scoring stays in SQL;
Python only picks the observations and compares them (ROC AUC, PR AUC, lift, MQLs, flips).

Which day each lead is judged on (the observation plan) depends on the shape of the landed data:

- **export**: the landed events stop at least EXPORT_GAP_DAYS days before the outcome day (a one-off
  CRM export, outcomes recorded after it). One day is scored, the last day of the landed data, and
  every lead is judged by the outcomes after it up to the outcome day (at most the conversion
  window).
- **history**: events run up to the outcome day (a live warehouse). Every `every`-th day from the
  start to the last day whose whole conversion window is known is scored, and each lead is
  observed once: on the latest of those days on which it existed and had not yet reached sql. A
  lead that never converted (or converted after the last scored day) is observed on the last
  scored day; a converter on the last scored day before it reached sql. One observation per lead
  keeps long-lived leads from outweighing the others.

The leak this guards against: features seen after the outcome. Every model reads leads, events
and stages up to the observed day only, and a lead already at sql (or beyond) on that day is no
observation, so nothing that happens at and after conversion (sales' stages, the visits of a lead
already talking to sales) is learned as a cause of it, and leads that had converted already are
not "predicted". Scoring a converter on a day after it reached sql would reward exactly those
visits. Lead attributes are a snapshot: a column the CRM fills in after conversion still leaks,
which the suggestion's report warns about when one rule dominates.
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from leadscore.running.dbt_runner import (
    SEED_PHASE,
    BuildResult,
    _redact_log,
    build_result,
    describe_problems,
    duckdb_held_open,
    sigterm_stops,
    temporary_environment,
)
from leadscore.running.seedsets import LIVE_SEEDS, OVERLAYS, write_overlay
from leadscore.settings import Settings
from leadscore.warehouse import open_duckdb

# the model a scored day ends in: every model it is built from is scored (see replay_models)
SCORED_MODEL = "fct_lead_score_history"
# the macros a model reads the as-of day with (macros/scoring/as_of_date.sql)
AS_OF_MACROS = frozenset(f"macro.leadscore.{name}" for name in ("as_of_date", "as_of_cutoff", "as_of_date_string"))
# models that store every landed day up to the as-of day, cut by their readers (dbt_project.yml)
STORED_BY_DAY_TAG = "landed_events"
# the folder of the tables of bad raw rows: scoring reads none of them (int_events_validated refers
# to quarantine_events only to be built after it, so the two biggest scans never run side by side)
QUARANTINE_FOLDER = "quarantine"
# what fct_lead_score_observations needs rebuilt as of the outcome day (both read as_of_date)
OBSERVATION_MODELS = ["int_lifecycle_stages_as_of", "fct_lead_score_observations"]
# what the profile of the landed data reads (views over the landing files, the base models under
# them, and the stages); `+` takes the upstream models (and seeds, which `run` does not run)
PROFILE_MODELS = ["+stg_marketing__events", "+stg_crm__leads", "+int_lifecycle_stages_as_of"]
LIVE = "live"
CANDIDATE = "candidate"
METRICS = ("observations", "conversions", "roc_auc", "pr_auc", "top_decile_lift", "mqls", "mql_to_sql_rate")
SHAPES = ("auto", "export", "history")
EXPORT = "export"
HISTORY = "history"
# landed events that stop this many days or more before the outcome day are an export
EXPORT_GAP_DAYS = 7
DEFAULT_HISTORY_DAYS = 180
Progress = Callable[[str], None]


class BacktestError(RuntimeError):
    """A backtest that cannot run or whose scoring failed; the message says why."""


class PlanError(BacktestError):
    """No day of the landed data can be judged with the options given; the message names the
    dates and what would fix it."""


@dataclass(frozen=True)
class Observation:
    model_id: str
    lead_id: str
    observed_on: date
    total_score: float
    is_mql: bool
    converted: bool


@dataclass(frozen=True)
class BacktestResult:
    folder: Path
    days: list[date]
    outcome_day: date
    metrics: list[dict]  # one row per scope (all, then each model) and seed set
    flips: list[dict]

    def metric(self, seed_set: str, name: str, scope: str = "all"):
        for row in self.metrics:
            if row["scope"] == scope and row["seed_set"] == seed_set:
                return row[name]
        raise KeyError((seed_set, scope))


# --- the observation plan -----------------------------------------------------------------------


def conversion_window_days(project_dir: Path) -> int:
    with (project_dir / LIVE_SEEDS / "report_settings.csv").open(newline="") as handle:
        return int(next(csv.DictReader(handle))["conversion_window_days"])


@dataclass(frozen=True)
class HistoryRequest:
    """What the user asked for: outcomes known up to `outcome_day`; optional range and step of the
    scored days; the shape of the data (auto, export or history)."""

    outcome_day: date
    start: date | None = None
    end: date | None = None
    every: int = 14
    shape: str = "auto"


@dataclass(frozen=True)
class DataSpan:
    """What the landed data holds up to the outcome day (the profile)."""

    leads: int = 0
    first_created: date | None = None
    last_created: date | None = None
    events: int = 0
    first_event: date | None = None
    last_event: date | None = None
    reached: int = 0  # leads at sql or a later stage by the outcome day
    first_reached: date | None = None
    last_reached: date | None = None

    @property
    def first_day(self) -> date | None:
        days = [d for d in (self.first_event, self.first_created) if d is not None]
        return min(days) if days else None

    @property
    def last_day(self) -> date | None:
        """The last day of the landed data: of its events, else of its lead creations."""
        return self.last_event or self.last_created

    def describe(self) -> str:
        parts = [f"{self.leads:,} leads"]
        if self.first_created:
            parts[0] += f" created {self.first_created} to {self.last_created}"
        events = f" from {self.first_event} to {self.last_event}" if self.events else ""
        reached = f" from {self.first_reached} to {self.last_reached}" if self.reached else ""
        parts.append(f"{self.events:,} events{events}")
        parts.append(f"{self.reached:,} leads at sql or later{reached}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ObservationPlan:
    """The scored days, how long after a day its outcome is judged, and why."""

    shape: str  # export | history
    days: list[date]
    outcome_day: date
    window_days: int  # the judged window: the conversion window, or less for an export
    conversion_window_days: int
    notes: tuple[str, ...] = ()
    span: DataSpan | None = None

    def describe(self) -> str:
        if self.shape == EXPORT:
            head = (
                f"One-off export: every lead is observed on {self.days[0]}, the last day of the landed data, and "
                f"judged by whether it reached sql (or later) in the {self.window_days} days after it "
                f"(outcomes known up to {self.outcome_day}"
                + (
                    f"; the conversion window is {self.conversion_window_days} days"
                    if self.window_days < self.conversion_window_days
                    else ""
                )
                + ")."
            )
        else:
            head = (
                f"Daily history: {len(self.days)} days scored from {self.days[0]} to {self.days[-1]}; each lead is "
                f"observed once, on the latest of them before it reached sql, and judged over the "
                f"{self.window_days} days after it (outcomes known up to {self.outcome_day})."
            )
        return " ".join([head, *self.notes])


def history_plan(days: list[date], outcome_day: date, window_days: int, notes: tuple[str, ...] = ()) -> ObservationPlan:
    """A plan over given days, each judged over the whole window (tests, explicit days)."""
    return ObservationPlan(HISTORY, sorted(days), outcome_day, window_days, window_days, notes)


def observation_days(start: date, end: date, every: int, outcome_day: date, window_days: int) -> list[date]:
    """Every `every`th day from start, up to the last day whose conversion window has ended by
    the outcome day (that last day always included). Raises PlanError when there is none."""
    last = min(end, outcome_day - timedelta(days=window_days))
    if start > last:
        raise PlanError(
            f"no day from {start} to {end} can be judged yet: a score is judged by the {window_days} days after "
            f"it, so the last usable day is {outcome_day - timedelta(days=window_days)} (outcomes known up to "
            f"{outcome_day}); move --start earlier"
        )
    days = [start + timedelta(days=offset) for offset in range(0, (last - start).days + 1, every)]
    return days if days[-1] == last else [*days, last]


def choose_shape(span: DataSpan, request: HistoryRequest) -> str:
    if request.shape != "auto":
        return request.shape
    last = span.last_day
    return EXPORT if last is not None and (request.outcome_day - last).days >= EXPORT_GAP_DAYS else HISTORY


def plan_observations(span: DataSpan, request: HistoryRequest, window_days: int) -> ObservationPlan:
    """The observation plan for the landed data `span` (see the module's doc). Raises PlanError
    naming the dates when no day can be judged."""
    if not span.leads:
        raise PlanError("the landing folder holds no lead to observe (leads file empty or every row unusable)")
    shape = choose_shape(span, request)
    outcome = request.outcome_day
    if shape == EXPORT:
        return _export_plan(span, request, window_days)
    notes: list[str] = []
    last_judged = outcome - timedelta(days=window_days)
    start = request.start or outcome - timedelta(days=DEFAULT_HISTORY_DAYS)
    end = min(request.end or outcome, last_judged)
    if span.first_day and start < span.first_day <= end:
        notes.append(f"The landed data starts on {span.first_day}: no day before it is scored.")
        start = span.first_day
    if (request.end or outcome) > last_judged and start <= last_judged:
        notes.append(
            f"Days after {last_judged} are not scored: their {window_days}-day window is not over by {outcome}."
        )
    if start > end or (span.first_day is not None and span.first_day > end):
        raise PlanError(_history_impossible(span, request, window_days, start))
    days = [start + timedelta(days=offset) for offset in range(0, (end - start).days + 1, request.every)]
    days = days if days[-1] == end else [*days, end]
    return ObservationPlan(HISTORY, days, outcome, window_days, window_days, tuple(notes), span)


def _export_plan(span: DataSpan, request: HistoryRequest, window_days: int) -> ObservationPlan:
    outcome = request.outcome_day
    last = span.last_day
    if last is None:
        raise PlanError(
            "the landed data has no date (no event, no lead created_at): an export is observed on its last day. "
            "Land events or created_at dates, or use --shape history with --start and --end."
        )
    day = min(last, request.end) if request.end else last
    if request.start and request.start > day:
        raise PlanError(
            f"--start {request.start} is after the last day of the landed data ({day}): an export is observed on its "
            "last day. Leave --start out, or give one on or before that day."
        )
    judged = min(window_days, (outcome - day).days)
    if judged < 1:
        raise PlanError(
            f"the landed data ends on {day} and outcomes are known up to --as-of {outcome}: no day after it is known. "
            "Pass --as-of the last day your lifecycle stages (outcomes) cover."
        )
    notes = []
    if request.shape == "auto":
        notes.append(
            f"(Chosen because the landed events stop on {day}, {(outcome - day).days} days before --as-of; "
            "--shape history scores sampled days instead.)"
        )
    if request.end and request.end < last:
        notes.append(f"--end {request.end} is before the last landed day {last}: observed on --end.")
    return ObservationPlan(EXPORT, [day], outcome, judged, window_days, tuple(notes), span)


def _history_impossible(span: DataSpan, request: HistoryRequest, window_days: int, start: date) -> str:
    outcome = request.outcome_day
    last_judged = outcome - timedelta(days=window_days)
    lines = [
        f"no day can be judged: a score is judged by the {window_days} days after it (conversion_window_days in "
        f"seeds/report_settings.csv) and outcomes are known up to {outcome}, so the last day that can be judged is "
        f"{last_judged}.",
        f"The landed data: {span.describe()}.",
    ]
    first = span.first_day
    if first is not None and first > last_judged:
        lines.append(
            f"No lead or event exists by {last_judged}, so a longer range cannot help. Either wait until outcomes are "
            f"known up to {first + timedelta(days=window_days)} and pass that --as-of, or set conversion_window_days "
            f"to at most {(outcome - first).days} days, or observe every lead on {span.last_day} as an export "
            f"(--shape export: judged by the {min(window_days, (outcome - span.last_day).days)} days after it)."
        )
    elif request.start and request.start > last_judged:
        lines.append(f"--start {request.start} is after that day: move --start to {last_judged} or earlier.")
    else:
        lines.append(f"--start {start} is after --end: move --start earlier or --end later.")
    return " ".join(lines)


def one_per_lead(observations: list[Observation]) -> list[Observation]:
    """Each lead once (for every model that scores it): on the latest day it was observable, i.e.
    the latest scored day on which it existed and had not yet reached sql (fct_lead_score_observations
    holds no other day)."""
    latest: dict[str, date] = {}
    for o in observations:
        latest[o.lead_id] = max(o.observed_on, latest.get(o.lead_id, o.observed_on))
    return [o for o in observations if o.observed_on == latest[o.lead_id]]


# --- scoring one seed set -----------------------------------------------------------------------


def _vars(as_of: date, **more) -> str:
    return json.dumps({"as_of_date": as_of.isoformat(), **more})


class DbtProject:
    """The dbt project every seed set of one backtest or suggestion runs in, parsed once.

    dbt parses the whole project again whenever --vars change, and every scored day has its own
    as_of_date: parsing cost more than the scoring itself. Here the project is parsed on the
    first call and every later call reuses the manifest (vars are still read when each model is
    compiled). The seed sets share one overlay folder (under seed_overlays/ in the project, so
    the manifest's seed paths stay valid): a seed set's CSVs are laid into it just before its
    seeds are loaded, which is the only time dbt reads seed files; each set has its own DuckDB
    file, always named scores.duckdb (so relation names match the manifest). Results as
    leadscore.running.dbt_runner.run_dbt gives them. Use as a context manager."""

    def __init__(self, settings: Settings, work: Path):
        self.settings, self.work = settings, work
        self.manifest = None
        self._stack = ExitStack()
        self.seeds: Path | None = None

    def __enter__(self) -> DbtProject:
        (self.settings.project_dir / OVERLAYS).mkdir(exist_ok=True)
        folder = self._stack.enter_context(
            tempfile.TemporaryDirectory(prefix="overlay-", dir=self.settings.project_dir / OVERLAYS)
        )
        self.seeds = write_overlay(self.settings.project_dir, None, Path(folder) / "seeds")
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def lay_seeds(self, candidate: str | Path | None) -> None:
        write_overlay(self.settings.project_dir, candidate, self.seeds)

    def invoke(self, settings: Settings, args: list[str], log_dir: Path) -> BuildResult:
        from dbt.cli.main import dbtRunner  # imported late: importing dbt before prefect changes Prefect's logs

        flags = [
            "--project-dir",
            str(settings.project_dir),
            "--profiles-dir",
            str(settings.project_dir),
            "--target",
            settings.target,
            "--log-level",
            "none",
            "--log-level-file",
            "info",
        ]
        environment = {
            **settings.dbt_environment(),
            "DBT_TARGET_PATH": str(self.work / "dbt_target"),
            "DBT_LOG_PATH": str(log_dir),
        }
        with temporary_environment(environment), sigterm_stops():
            outcome = None
            if self.manifest is None:
                parsed = dbtRunner().invoke(["parse", *flags])
                if parsed.success:
                    self.manifest = parsed.result
                else:
                    outcome = parsed
            if outcome is None:
                with duckdb_held_open(settings, args):
                    outcome = dbtRunner(manifest=self.manifest).invoke([*args, *flags])
            _redact_log(settings)
        return build_result(outcome)

    def replay_models(self) -> tuple[list[str], list[str]]:
        """replay_models of the parsed project (call after a first invoke)."""
        if self.manifest is None:
            raise BacktestError("the dbt project is not parsed yet")
        return replay_models(self.manifest.nodes, self.manifest.macros, SCORED_MODEL)


def reads_as_of_day(macro_ids: list[str], macros: dict, seen: set[str] | None = None) -> bool:
    """Whether any of these macros, or a macro they call, is one of AS_OF_MACROS."""
    seen = set() if seen is None else seen
    for macro_id in macro_ids:
        if macro_id in AS_OF_MACROS:
            return True
        if macro_id in seen or macro_id not in macros:
            continue
        seen.add(macro_id)
        if reads_as_of_day(macros[macro_id].depends_on.macros, macros, seen):
            return True
    return False


def replay_models(nodes: dict, macros: dict, target: str) -> tuple[list[str], list[str]]:
    """The models `target` is built from (itself included), split for scoring many as-of days in
    a row: (built once, for the last day; built for every day).

    Every day: the models that read the as-of day (AS_OF_MACROS, directly or through another
    macro) and every model downstream of
    one, except the models tagged STORED_BY_DAY_TAG: those check every landed event and store it
    by its day up to the as-of day, and each of their readers cuts at its own as-of day, so built
    once for the last day they give every earlier day what a build for that day gives (and the
    landed files do not change during a replay). Once: the rest, which reads no as-of day (staging
    views, rules resolved from the seeds, the stored events). Scanning the landed events once
    instead of every day is most of what this saves. The quarantine tables are not built: a
    replay scores, it does not report bad rows."""
    models = {
        uid: node
        for uid, node in nodes.items()
        if node.resource_type == "model" and QUARANTINE_FOLDER not in node.fqn[1:-1]
    }
    by_name = {node.name: uid for uid, node in models.items()}
    upstream: set[str] = set()
    pending = [by_name[target]]
    while pending:
        uid = pending.pop()
        if uid in models and uid not in upstream:
            upstream.add(uid)
            pending += models[uid].depends_on.nodes
    daily = {
        uid
        for uid in upstream
        if reads_as_of_day(models[uid].depends_on.macros, macros) and STORED_BY_DAY_TAG not in models[uid].tags
    }
    grown = True
    while grown:
        below = {uid for uid in upstream - daily if daily.intersection(models[uid].depends_on.nodes)}
        daily |= below
        grown = bool(below)
    return sorted(models[uid].name for uid in upstream - daily), sorted(models[uid].name for uid in daily)


class SeedSetRun:
    """One seed set (the live seeds overlaid by `candidate`, None for the live seeds) scoring into
    <work>/<name>/scores.duckdb, in the shared `project`."""

    def __init__(self, project: DbtProject, name: str, candidate: str | Path | None, progress: Progress | None = None):
        self.project, self.name, self.candidate, self.progress = project, name, candidate, progress
        self.folder = project.work / name
        self.database = self.folder / "scores.duckdb"
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in (self.database, self.database.with_name(self.database.name + ".wal")):
            stale.unlink(missing_ok=True)
        self.scoped = replace(project.settings, duckdb_path=self.database, seeds_dir=project.seeds)

    def _say(self, step: str) -> None:
        if self.progress:
            self.progress(f"{self.name}: {step}")

    def _dbt(self, args: list[str], what: str) -> BuildResult:
        result = self.project.invoke(self.scoped, args, self.folder / "dbt_logs")
        if not result.success:
            details = "\n".join(f"  - {line}" for line in describe_problems(result, self.scoped))
            raise BacktestError(f"{what} failed:\n{details}")
        return result

    def load(self, test: bool = True, profile_day: date | None = None) -> DataSpan | None:
        """Load the seeds (and run their tests); with profile_day, also read what the landed data
        holds up to that day."""
        self._say("loading and testing seeds" if test else "loading seeds")
        self.project.lay_seeds(self.candidate)
        if test:
            self._dbt(["build", *SEED_PHASE], f"seeds of {self.name}")
            if profile_day is None:
                return None
            self._dbt(["run", "--select", *PROFILE_MODELS, "--vars", _vars(profile_day)], "reading the landed data")
        elif profile_day is None:
            self._dbt(["seed"], f"seeds of {self.name}")
            return None
        else:
            self._dbt(
                [
                    "build",
                    "--select",
                    "resource_type:seed",
                    *PROFILE_MODELS,
                    "--exclude-resource-type",
                    "test",
                    "--exclude-resource-type",
                    "unit_test",
                    "--vars",
                    _vars(profile_day),
                ],
                f"seeds of {self.name} and reading the landed data",
            )
        return profile_landed_data(self.database, profile_day)

    def score(self, days: list[date], keep_points: bool = False) -> None:
        """Score `days` (see replay_models): what reads no as-of day once, for the last of them,
        then the rest day by day, oldest first (the score history is appended to)."""
        if not days:
            return
        once, daily = self.project.replay_models()
        self._say(f"checking the landed events up to {max(days)}")
        self._dbt(["run", "--vars", _vars(max(days)), "--select", *once], f"checking the events for {self.name}")
        for day in sorted(days):
            self._say(f"scoring {day}")
            self._dbt(["run", "--vars", _vars(day), "--select", *daily], f"scoring {day} with {self.name}")
            if keep_points:
                _keep_points(self.database, day)

    def observe(self, plan: ObservationPlan) -> None:
        """fct_lead_score_observations as of the outcome day, judged over the plan's window."""
        self._say(f"outcomes up to {plan.outcome_day}")
        self._dbt(
            [
                "run",
                "--select",
                *OBSERVATION_MODELS,
                "--vars",
                _vars(plan.outcome_day, observation_window_days=plan.window_days),
            ],
            f"observations of {self.name}",
        )

    def observations(self, plan: ObservationPlan) -> list[Observation]:
        """One observation per lead and model (see one_per_lead) on the plan's days."""
        return one_per_lead(load_observations(self.database, plan.days))


def profile_landed_data(database: Path, outcome_day: date) -> DataSpan:
    """Leads, events and leads at sql or beyond known up to the outcome day, with their dates,
    from the staging views the scoring reads."""
    cutoff = outcome_day + timedelta(days=1)
    with open_duckdb(database, read_only=True) as connection:
        leads = connection.execute(
            """
            select count(distinct lead_id), cast(min(created_at) as date), cast(max(created_at) as date)
            from stg_crm__leads
            where lead_id is not null and (created_at is null or created_at < ?)
            """,
            [cutoff],
        ).fetchone()
        events = connection.execute(
            """
            select count(*), cast(min(occurred_at) as date), cast(max(occurred_at) as date)
            from stg_marketing__events
            where lead_id is not null and occurred_at >= timestamp '2000-01-01' and occurred_at < ?
            """,
            [cutoff],
        ).fetchone()
        reached = connection.execute(
            """
            with firsts as (
                select stages.lead_id, min(stages.entered_at) as reached_at
                from int_lifecycle_stages_as_of as stages
                inner join lifecycle_stages on stages.stage = lifecycle_stages.stage
                where lifecycle_stages.stage_rank >= (select stage_rank from lifecycle_stages where stage = 'sql')
                group by stages.lead_id
            )
            select count(*), cast(min(reached_at) as date), cast(max(reached_at) as date) from firsts
            """
        ).fetchone()
    return DataSpan(leads[0], leads[1], leads[2], events[0], events[1], events[2], reached[0], reached[1], reached[2])


def score_seed_set(
    settings: Settings,
    name: str,
    candidate: str | Path | None,
    work: Path,
    days: list[date],
    outcome_day: date,
    keep_points: bool = False,
    progress: Progress | None = None,
    test_seeds: bool = True,
    window_days: int | None = None,
) -> Path:
    """Score `days` with the live seeds overlaid by `candidate` (None: the live seeds) into
    work/<name>/scores.duckdb and judge them over `window_days` (default: the conversion window);
    returns the file. With keep_points, every day's ledger rows are kept in table backtest_points.
    Raises BacktestError (a seed test failing names the row). Without test_seeds the seeds are
    only loaded (for seed sets the run itself generated)."""
    window = window_days or conversion_window_days(settings.project_dir)
    plan = history_plan(days, outcome_day, window)
    with DbtProject(settings, work) as project:
        run = SeedSetRun(project, name, candidate, progress)
        run.load(test=test_seeds)
        run.score(days, keep_points=keep_points)
        run.observe(plan)
    return run.database


def _keep_points(database: Path, day: date) -> None:
    with open_duckdb(database) as connection:
        connection.execute(
            """
            create table if not exists backtest_points as
            select cast(null as date) as observed_on, lead_id, model_id, component, rule_id, units, final_points
            from fct_lead_score_points where false
            """
        )
        connection.execute(
            """
            insert into backtest_points
            select ?, lead_id, model_id, component, rule_id, units, final_points from fct_lead_score_points
            """,
            [day],
        )


def load_observations(database: Path, days: list[date] | None = None) -> list[Observation]:
    """The scored days' observations (fct_lead_score_observations with is_mql), sorted; every day a
    lead could be observed on (one_per_lead keeps the latest)."""
    with open_duckdb(database, read_only=True) as connection:
        rows = connection.execute(
            """
            select o.model_id, o.lead_id, o.observed_on, o.total_score, h.is_mql, o.converted
            from fct_lead_score_observations as o
            inner join fct_lead_score_history as h
                on o.lead_id = h.lead_id and o.model_id = h.model_id and o.observed_on = h.as_of_date
            order by o.model_id, o.lead_id, o.observed_on
            """
        ).fetchall()
    wanted = set(days) if days is not None else None
    return [
        Observation(r[0], r[1], r[2], float(r[3]), bool(r[4]), bool(r[5]))
        for r in rows
        if wanted is None or r[2] in wanted
    ]


def plan_from_landed_data(
    run: SeedSetRun, request: HistoryRequest, window_days: int, test: bool = False
) -> ObservationPlan:
    """Load the run's seeds, profile the landed data up to the outcome day and plan."""
    span = run.load(test=test, profile_day=request.outcome_day)
    return plan_observations(span, request, window_days)


def resolve_plan(
    run: SeedSetRun, request: HistoryRequest | ObservationPlan, window_days: int, progress: Progress | None = None
) -> ObservationPlan:
    """The plan given (the run's seeds only loaded), or one made from the landed data; said
    through progress either way."""
    if isinstance(request, ObservationPlan):
        run.load(test=False)
        plan = request
    else:
        plan = plan_from_landed_data(run, request, window_days)
    if progress:
        progress(plan.describe())
    return plan


def explain_observations(observations: list[Observation], plan: ObservationPlan) -> str | None:
    """Why these observations cannot be judged (none, or no conversion), naming counts and
    dates and what would fix it; None when they can."""
    span = plan.span or DataSpan()
    where = (
        f"on {plan.days[0]}"
        if len(plan.days) == 1
        else f"on {len(plan.days)} days from {plan.days[0]} to {plan.days[-1]}"
    )
    leads = {o.lead_id for o in observations}
    if not leads:
        return (
            f"no lead can be observed {where}: a lead is observed on a day it existed (created by then) and had "
            f"not yet reached sql. The landed data: {span.describe()}. "
            + ("Every lead may have reached sql already: pass an earlier --end. " if span.reached >= span.leads else "")
            + "Check --start/--end against the dates above."
        )
    converted = {o.lead_id for o in observations if o.converted}
    if not converted:
        return (
            f"{len(leads):,} leads observed {where}, and none reached sql (or a later stage) within the "
            f"{plan.window_days} days after (outcomes known up to {plan.outcome_day}). The lifecycle data: "
            + (
                f"{span.reached:,} leads at sql or later, from {span.first_reached} to {span.last_reached}. "
                if span.reached
                else "no lead at sql or later. "
            )
            + "Map your CRM's stage names onto sql, opportunity and won (seeds/value_aliases.csv), or pass an --as-of "
            "that covers the outcomes."
        )
    if converted == leads:
        return (
            f"every one of the {len(leads):,} leads observed {where} reached sql within {plan.window_days} days: "
            "nothing to tell apart. Land the leads that did not convert too."
        )
    return None


# --- metrics ------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def top_decile_lift(scores: list[float], labels: list[bool]) -> float | None:
    """Conversion rate of the top 10% by score (ties kept in input order) over the base rate."""
    base = sum(labels) / len(labels) if labels else 0
    if not base:
        return None
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    top = order[: math.ceil(len(order) / 10)]
    return sum(labels[i] for i in top) / len(top) / base


def roc_auc(scores, labels) -> float | None:
    from sklearn.metrics import roc_auc_score

    labels = list(labels)
    return _round(roc_auc_score(labels, list(scores))) if 0 < sum(labels) < len(labels) else None


def score_metrics(observations: list[Observation]) -> dict:
    from sklearn.metrics import average_precision_score

    scores = [o.total_score for o in observations]
    labels = [o.converted for o in observations]
    both = 0 < sum(labels) < len(labels)
    mqls = [o for o in observations if o.is_mql]
    return {
        "observations": len(observations),
        "conversions": sum(labels),
        "roc_auc": roc_auc(scores, labels),
        "pr_auc": _round(average_precision_score(labels, scores)) if both else None,
        "top_decile_lift": _round(top_decile_lift(scores, labels)),
        "mqls": len(mqls),
        "mql_to_sql_rate": _round(sum(o.converted for o in mqls) / len(mqls)) if mqls else None,
    }


def compare(sets: dict[str, list[Observation]]) -> list[dict]:
    """Metric rows: all models pooled, then per model; each for every seed set in order."""
    models = sorted({o.model_id for observations in sets.values() for o in observations})
    rows = []
    for scope in ["all", *models]:
        for name, observations in sets.items():
            chosen = [o for o in observations if scope == "all" or o.model_id == scope]
            rows.append({"scope": scope, "seed_set": name, **score_metrics(chosen)})
    return rows


def mql_flips(live: list[Observation], candidate: list[Observation]) -> list[dict]:
    """Lead, model and day whose MQL status differs between the two seed sets."""
    theirs = {(o.model_id, o.lead_id, o.observed_on): o for o in candidate}
    flips = []
    for ours in live:
        other = theirs.get((ours.model_id, ours.lead_id, ours.observed_on))
        if other is not None and other.is_mql != ours.is_mql:
            flips.append(
                {
                    "lead_id": ours.lead_id,
                    "model_id": ours.model_id,
                    "observed_on": ours.observed_on.isoformat(),
                    "live_score": ours.total_score,
                    "candidate_score": other.total_score,
                    "flip": "becomes MQL" if other.is_mql else "stops being MQL",
                    "converted": ours.converted,
                }
            )
    return sorted(flips, key=lambda f: (f["lead_id"], f["model_id"], f["observed_on"]))


# --- the backtest -------------------------------------------------------------------------------


@dataclass
class Backtest:
    result: BacktestResult
    plan: ObservationPlan
    notes: list[str] = field(default_factory=list)


def run_backtest(
    settings: Settings,
    candidate: str | Path,
    request: HistoryRequest | ObservationPlan,
    out_dir: Path,
    live: str | Path | None = None,
    progress: Progress | None = None,
) -> Backtest:
    """Plan the observations from the landed data (or take the plan given), score them with the
    live seeds (or `live`) and with `candidate`; write the comparison, the flips and
    backtest.html into out_dir. The scoring files stay in out_dir/work."""
    work = out_dir / "work"
    window = conversion_window_days(settings.project_dir)
    with DbtProject(settings, work) as project:
        ours = SeedSetRun(project, LIVE, live, progress)
        theirs = SeedSetRun(project, CANDIDATE, candidate, progress)
        plan = resolve_plan(ours, request, window, progress)
        # the candidate's seed tests before any scoring: a bad weight stops the backtest at once
        theirs.load(test=True)
        for run in (theirs, ours):
            run.score(plan.days)
            run.observe(plan)
        observations = {LIVE: ours.observations(plan), CANDIDATE: theirs.observations(plan)}
    result = BacktestResult(
        folder=out_dir,
        days=plan.days,
        outcome_day=plan.outcome_day,
        metrics=compare(observations),
        flips=mql_flips(observations[LIVE], observations[CANDIDATE]),
    )
    write_outputs(result, str(candidate))
    notes = [problem] if (problem := explain_observations(observations[LIVE], plan)) else []
    return Backtest(result, plan, notes)


def write_outputs(result: BacktestResult, candidate_label: str) -> None:
    """comparison.csv, mql_flips.csv (text cells neutralised for spreadsheets) and backtest.html."""
    from leadscore.reporting.backtest_html import render_backtest_page
    from leadscore.reporting.csv_for_people import write_csv_for_people

    result.folder.mkdir(parents=True, exist_ok=True)
    write_csv_for_people(result.folder / "comparison.csv", result.metrics, ["scope", "seed_set", *METRICS])
    write_csv_for_people(
        result.folder / "mql_flips.csv",
        result.flips,
        ["lead_id", "model_id", "observed_on", "live_score", "candidate_score", "flip", "converted"],
    )
    (result.folder / "backtest.html").write_text(render_backtest_page(result, candidate_label), encoding="utf-8")


def side_by_side(result: BacktestResult, first: str = LIVE, second: str = CANDIDATE) -> list[list[str]]:
    """Rows of (scope, metric, first, second, change) for a terminal table."""

    def shown(value) -> str:
        if value is None:
            return "-"
        return f"{value:,}" if isinstance(value, int) else f"{value:.4f}"

    rows = []
    scopes = list(dict.fromkeys(row["scope"] for row in result.metrics))
    for scope in scopes:
        for metric in METRICS:
            a, b = result.metric(first, metric, scope), result.metric(second, metric, scope)
            change = "-" if a is None or b is None else (f"{b - a:+,}" if isinstance(a, int) else f"{b - a:+.4f}")
            rows.append([scope, metric, shown(a), shown(b), change])
    return rows
