"""Backtest: score past days with the live seeds and with a candidate seed set, side by side.

Each seed set scores the sampled observation days into its own DuckDB file under a work folder
(never the warehouse, never published/): dbt loads and tests the seeds once, then runs the models
up to fct_lead_score_history for every day, and int_score_observations as of the outcome day
says which scored leads reached sql within the conversion window. Scoring stays in SQL; Python
only compares the two sets of observations (ROC AUC, PR AUC, lift, MQLs, flips).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from leadscore.dbt_runner import SEED_PHASE, describe_problems, dbt_vars, run_dbt, temporary_environment
from leadscore.seedsets import LIVE_SEEDS, seed_overlay
from leadscore.settings import Settings
from leadscore.warehouse import open_duckdb

SCORING_MODELS = "+fct_lead_score_history"
# what int_score_observations needs rebuilt as of the outcome day (both read as_of_date)
OBSERVATION_MODELS = ["int_lifecycle_stages_as_of", "int_score_observations"]
LIVE = "live"
CANDIDATE = "candidate"
METRICS = ("observations", "conversions", "roc_auc", "pr_auc", "top_decile_lift", "mqls", "mql_to_sql_rate")
Progress = Callable[[str], None]


class BacktestError(RuntimeError):
    """A backtest that cannot run or whose scoring failed; the message says why."""


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


# --- days ---------------------------------------------------------------------------------------


def conversion_window_days(project_dir: Path) -> int:
    with (project_dir / LIVE_SEEDS / "report_settings.csv").open(newline="") as handle:
        return int(next(csv.DictReader(handle))["conversion_window_days"])


def observation_days(start: date, end: date, every: int, outcome_day: date, window_days: int) -> list[date]:
    """Every `every`th day from start, up to the last day whose conversion window has ended by
    the outcome day (that last day always included). Raises BacktestError when there is none."""
    last = min(end, outcome_day - timedelta(days=window_days))
    if start > last:
        raise BacktestError(
            f"no day from {start} to {end} can be judged yet: a score is judged by the {window_days} days after "
            f"it, so the last usable day is {outcome_day - timedelta(days=window_days)} (outcomes known up to "
            f"{outcome_day}); move --start earlier"
        )
    days = [start + timedelta(days=offset) for offset in range(0, (last - start).days + 1, every)]
    return days if days[-1] == last else [*days, last]


# --- scoring one seed set -----------------------------------------------------------------------


def _dbt_folders(work: Path):
    """dbt's target and log folders inside the work folder: each seed set parses on its own."""
    return temporary_environment({"DBT_TARGET_PATH": str(work / "dbt_target"), "DBT_LOG_PATH": str(work / "dbt_logs")})


def _check(settings: Settings, result, what: str) -> None:
    if not result.success:
        details = "\n".join(f"  - {line}" for line in describe_problems(result, settings))
        raise BacktestError(f"{what} failed:\n{details}")


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
) -> Path:
    """Score `days` with the live seeds overlaid by `candidate` (None: the live seeds) into
    work/<name>/scores.duckdb; returns the file. With keep_points, every day's ledger rows are
    kept in table backtest_points. Raises BacktestError (a seed test failing names the row).
    Without test_seeds the seeds are only loaded (for seed sets the run itself generated)."""
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "scores.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)
    with seed_overlay(settings.project_dir, candidate, always=True) as seeds, _dbt_folders(folder):
        scoped = replace(settings, duckdb_path=database, seeds_dir=seeds)
        if progress:
            progress(f"{name}: loading and testing seeds")
        load = ["build", *SEED_PHASE] if test_seeds else ["seed"]
        _check(scoped, run_dbt(scoped, [*load, "--vars", dbt_vars(days[0])]), f"seeds of {name}")
        for day in days:
            if progress:
                progress(f"{name}: scoring {day}")
            _check(scoped, run_dbt(scoped, ["run", "--vars", dbt_vars(day), "--select", SCORING_MODELS]),
                   f"scoring {day} with {name}")
            if keep_points:
                _keep_points(database, day)
        if progress:
            progress(f"{name}: outcomes up to {outcome_day}")
        _check(scoped, run_dbt(scoped, ["run", "--vars", dbt_vars(outcome_day), "--select", *OBSERVATION_MODELS]),
               f"observations of {name}")
    return database


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
    """The scored days' observations (int_score_observations with is_mql), sorted."""
    with open_duckdb(database, read_only=True) as connection:
        rows = connection.execute(
            """
            select o.model_id, o.lead_id, o.observed_on, o.total_score, h.is_mql, o.converted
            from int_score_observations as o
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


def score_metrics(observations: list[Observation]) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score

    scores = [o.total_score for o in observations]
    labels = [o.converted for o in observations]
    both = 0 < sum(labels) < len(labels)
    mqls = [o for o in observations if o.is_mql]
    return {
        "observations": len(observations),
        "conversions": sum(labels),
        "roc_auc": _round(roc_auc_score(labels, scores)) if both else None,
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
            flips.append({
                "lead_id": ours.lead_id,
                "model_id": ours.model_id,
                "observed_on": ours.observed_on.isoformat(),
                "live_score": ours.total_score,
                "candidate_score": other.total_score,
                "flip": "becomes MQL" if other.is_mql else "stops being MQL",
                "converted": ours.converted,
            })
    return sorted(flips, key=lambda f: (f["lead_id"], f["model_id"], f["observed_on"]))


# --- the backtest -------------------------------------------------------------------------------


def run_backtest(
    settings: Settings,
    candidate: str | Path,
    days: list[date],
    outcome_day: date,
    out_dir: Path,
    live: str | Path | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    """Score `days` with the live seeds (or `live`) and with `candidate`; write the comparison,
    the flips and backtest.html into out_dir. The scoring files stay in out_dir/work."""
    work = out_dir / "work"
    # the candidate first: a seed test it fails stops the backtest before any other scoring
    candidate_db = score_seed_set(settings, CANDIDATE, candidate, work, days, outcome_day, progress=progress)
    databases = {
        LIVE: score_seed_set(settings, LIVE, live, work, days, outcome_day, progress=progress),
        CANDIDATE: candidate_db,
    }
    observations = {name: load_observations(path, days) for name, path in databases.items()}
    result = BacktestResult(
        folder=out_dir,
        days=days,
        outcome_day=outcome_day,
        metrics=compare(observations),
        flips=mql_flips(observations[LIVE], observations[CANDIDATE]),
    )
    write_outputs(result, str(candidate))
    return result


def write_outputs(result: BacktestResult, candidate_label: str) -> None:
    """comparison.csv, mql_flips.csv (text cells neutralised for spreadsheets) and backtest.html."""
    from leadscore.backtest_html import render_backtest_page
    from leadscore.reports import write_csv_for_people

    result.folder.mkdir(parents=True, exist_ok=True)
    write_csv_for_people(result.folder / "comparison.csv", result.metrics, ["scope", "seed_set", *METRICS])
    write_csv_for_people(
        result.folder / "mql_flips.csv", result.flips,
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
