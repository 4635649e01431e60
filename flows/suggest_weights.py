"""Suggest weights from outcomes: which rules fired before the window, and who converted.

1. The live seeds score the observation days (they are also the baseline of the comparison).
2. A *probe* seed set, built from the data, scores the same days: one fit rule per frequent value
   of every lead attribute (lead source and custom columns included), per quartile band of every
   numeric attribute and per attribute often missing, plus the live list rules; one behaviour rule
   per event type and page category seen, counting every event; one engagement rule per event
   type seen, counting its active days in the last 14 days (recent intent, which a count over
   all time cannot show); the live engagement, decay, inactivity and rejection rules as they are. Its ledger says which rule fired how often for
   every lead and day.
3. A regularised logistic regression (fixed settings, so the same inputs give the same weights)
   is fitted on the earlier days; its coefficients, scaled to the spread of the live scores, are
   rounded to integer points and written as a candidate seed folder (fit, behaviour, negative,
   engagement and decay rules; MQL thresholds that keep the live MQL share of the training days).
4. The candidate is backtested against the live seeds on the later (held-out) days.
The live seeds are never changed.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from leadscore.backtest import (
    CANDIDATE,
    LIVE,
    BacktestError,
    BacktestResult,
    Observation,
    Progress,
    compare,
    load_observations,
    mql_flips,
    score_seed_set,
    write_outputs,
)
from leadscore.seedsets import LIVE_SEEDS
from leadscore.settings import Settings

MIN_LEAD_SHARE = 0.02  # a value (or event kind) must concern 2% of leads...
MIN_LEADS = 10  # ...and at least 10 leads to become a feature
NUMERIC_BANDS = 4
REPEAT_CAP = 4  # repeats beyond the first event that still earn points
RECENT_DAYS = 14  # window of the learned engagement rules: active days per event type
REGULARISATION_C = 0.3
HOLDOUT_SHARE = 1 / 3
SCALED_SEEDS = ("engagement_rules", "decay_rules", "negative_rules")


@dataclass
class Feature:
    key: str  # column name of the design matrix
    kind: str  # fit | first | repeat | scaled
    rule_id: str  # the probe (or live) rule whose ledger rows give the value
    spec: dict = field(default_factory=dict)


@dataclass
class Suggestion:
    folder: Path
    train_days: list[date]
    holdout_days: list[date]
    weights: list[dict]
    backtest: BacktestResult


# --- seed files ---------------------------------------------------------------------------------


def read_seed(folder: Path, name: str) -> tuple[list[str], list[dict]]:
    with (folder / f"{name}.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_seed(folder: Path, name: str, columns: list[str], rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows([{c: ("" if row.get(c) is None else row.get(c)) for c in columns} for row in rows])


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")[:limit] or "x"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- the probe ----------------------------------------------------------------------------------


def probe_rules(database: Path, live_seeds: Path) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """Probe seed rows (fit_rules, behaviour_rules) from the data the live run scored, and the
    spec of every probe rule by rule_id."""
    with duckdb.connect(str(database), read_only=True) as connection:
        leads = connection.execute("select count(distinct lead_id) from int_lead_attributes_unpivoted").fetchone()[0]
        support = max(MIN_LEADS, math.ceil(MIN_LEAD_SHARE * leads))
        attributes = connection.execute(
            """
            select attribute, count(attribute_value), count(attribute_number), count(*) - count(attribute_value)
            from int_lead_attributes_unpivoted group by attribute order by attribute
            """
        ).fetchall()
        values = connection.execute(
            """
            select attribute, attribute_value, count(distinct lead_id) as leads
            from int_lead_attributes_unpivoted where attribute_value is not null
            group by all having count(distinct lead_id) >= ? order by attribute, attribute_value
            """,
            [support],
        ).fetchall()
        bands = {
            row[0]: sorted({float(edge) for edge in row[1] if edge is not None})
            for row in connection.execute(
                f"""
                select attribute, quantile_cont(attribute_number, {[i / NUMERIC_BANDS for i in range(1, NUMERIC_BANDS)]})
                from int_lead_attributes_unpivoted where attribute_number is not null group by attribute
                """
            ).fetchall()
        }
        event_types = connection.execute(
            """
            select event_type from int_lead_event_stats
            group by all having count(distinct lead_id) >= ? order by 1
            """,
            [support],
        ).fetchall()
        pairs = connection.execute(
            """
            select event_type, page_category from int_lead_event_stats
            group by all having count(distinct lead_id) >= ? order by 1, 2
            """,
            [support],
        ).fetchall()
    specs: dict[str, dict] = {}
    fit: list[dict] = []

    def add_fit(spec: dict) -> None:
        rule_id = f"probe_fit_{len(fit) + 1:04d}"
        specs[rule_id] = {"kind": "fit", **spec}
        fit.append({"rule_id": rule_id, "model_id": "all", "points": 1, "description": "probe", **spec})

    numeric = {a for a, given, numbers, _ in attributes if given and numbers >= 0.9 * given}
    for attribute, value, _ in values:
        if attribute not in numeric:
            add_fit({"attribute": attribute, "match_type": "equals", "match_value": value})
    for attribute in sorted(numeric):
        edges = [None, *(round(edge, 2) for edge in bands.get(attribute, [])), None]
        for low, high in zip(edges, edges[1:]):
            if low != high:
                add_fit({"attribute": attribute, "match_type": "range", "min_value": low, "max_value": high})
    for attribute, _, _, missing in attributes:
        if missing >= support:
            add_fit({"attribute": attribute, "match_type": "missing"})
    _, live_fit = read_seed(live_seeds, "fit_rules")
    for row in live_fit:  # lists and text matches a data profile cannot find (competitor domains...)
        if row["match_type"] in {"in_list", "contains"}:
            add_fit({"attribute": row["attribute"], "match_type": row["match_type"], "match_value": row["match_value"]})

    behaviour = []
    for index, (event_type, page_category) in enumerate(pairs, start=1):
        rule_id = f"probe_beh_{index:04d}"
        specs[rule_id] = {"kind": "event", "event_type": event_type, "page_category": page_category}
        behaviour.append({
            "rule_id": rule_id, "model_id": "all", "event_type": event_type, "page_category": page_category,
            "journey_stage": "awareness", "points": 1, "repeat_points": 1, "max_points": None, "description": "probe",
        })
    engagement = []
    for index, (event_type,) in enumerate(event_types, start=1):
        rule_id = f"probe_eng_{index:04d}"
        specs[rule_id] = {"kind": "recent", "event_type": event_type}
        engagement.append({
            "rule_id": rule_id, "model_id": "all", "measure": "active_days", "event_type": event_type,
            "window_days": RECENT_DAYS, "free_units": 0, "unit_points": 1, "max_points": None, "description": "probe",
        })
    return {"fit_rules": fit, "behaviour_rules": behaviour, "engagement_rules": engagement}, specs


def write_probe_seeds(folder: Path, live_seeds: Path, rules: dict[str, list[dict]]) -> Path:
    """The probe as a candidate folder: probe fit, behaviour and engagement rules, the live
    engagement rules, non-event negative rules and decay rules (without half-life decay, which
    would bend the counts)."""
    for name in ("fit_rules", "behaviour_rules"):
        columns, _ = read_seed(live_seeds, name)
        write_seed(folder, name, columns, rules[name])
    columns, live_engagement = read_seed(live_seeds, "engagement_rules")
    write_seed(folder, "engagement_rules", columns, [*live_engagement, *rules["engagement_rules"]])
    columns, negative = read_seed(live_seeds, "negative_rules")
    write_seed(folder, "negative_rules", columns, [r for r in negative if r["rule_kind"] != "event"])
    columns, decay = read_seed(live_seeds, "decay_rules")
    write_seed(folder, "decay_rules", columns, [r for r in decay if r["decay_kind"] != "behaviour_half_life"])
    return folder


# --- the design matrix --------------------------------------------------------------------------


def features_and_rows(database: Path, specs: dict[str, dict], observations: list[Observation]):
    """Feature list and one value dict per observation, from the probe's kept ledger rows."""
    import numpy as np

    with duckdb.connect(str(database), read_only=True) as connection:
        points = connection.execute(
            "select observed_on, lead_id, model_id, rule_id, units, final_points from backtest_points"
        ).fetchall()
    features: dict[str, Feature] = {}
    values: dict[tuple, dict[str, float]] = defaultdict(dict)
    for day, lead_id, model_id, rule_id, units, final_points in points:
        row = values[(model_id, lead_id, day)]
        spec = specs.get(rule_id)
        if spec is None:  # a live rule kept as it is: its points are the feature
            features.setdefault(rule_id, Feature(rule_id, "scaled", rule_id))
            row[rule_id] = float(final_points)
        elif spec["kind"] == "fit":
            features.setdefault(rule_id, Feature(rule_id, "fit", rule_id, spec))
            row[rule_id] = 1.0
        elif spec["kind"] == "recent":
            features.setdefault(rule_id, Feature(rule_id, "recent", rule_id, spec))
            row[rule_id] = float(units)
        else:
            count = float(units)
            for kind, value in (("first", 1.0), ("repeat", min(count - 1, REPEAT_CAP))):
                key = f"{rule_id}|{kind}"
                features.setdefault(key, Feature(key, kind, rule_id, spec))
                if value:
                    row[key] = value
    ordered = [features[key] for key in sorted(features)]
    index = {feature.key: i for i, feature in enumerate(ordered)}
    matrix = np.zeros((len(observations), len(ordered)))
    for i, o in enumerate(observations):
        for key, value in values.get((o.model_id, o.lead_id, o.observed_on), {}).items():
            matrix[i, index[key]] = value
    return ordered, matrix


def fit_weights(matrix, labels) -> list[float]:
    """L2-regularised logistic regression; returns one weight per column in the column's units."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    spread = np.abs(matrix).max(axis=0)
    spread[spread == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000, random_state=0)
    model.fit(matrix / spread, labels)
    return list(model.coef_[0] / spread)


# --- the candidate ------------------------------------------------------------------------------


def _live_rule(rows: list[dict], event_type: str, page_category: str) -> dict | None:
    for wanted in (page_category, "*"):
        for row in rows:
            if row["event_type"] == event_type and row["page_category"] == wanted and row.get("model_id") == "all":
                return row
    return None


def candidate_rules(features: list[Feature], weights: list[float], scale: float, live_seeds: Path):
    """Seed rows of the candidate, the points each feature earns (for thresholds) and a weights
    table for people."""
    learned = {f.key: w for f, w in zip(features, weights)}
    _, live_behaviour = read_seed(live_seeds, "behaviour_rules")
    seeds: dict[str, list[dict]] = {name: [] for name in ("fit_rules", "behaviour_rules", "negative_rules")}
    effect: dict[str, float] = {}
    table: list[dict] = []
    used: set[str] = set()

    def unique(rule_id: str) -> str:
        base, n = rule_id, 1
        while rule_id in used:
            n += 1
            rule_id = f"{base}_{n}"
        used.add(rule_id)
        return rule_id

    for feature in (f for f in features if f.kind == "fit"):
        spec = feature.spec
        points = round(scale * learned[feature.key])
        label = spec.get("match_value") or (
            "missing" if spec["match_type"] == "missing"
            else f"{_number(spec['min_value']) if spec.get('min_value') is not None else ''}"
                 f"-{_number(spec['max_value']) if spec.get('max_value') is not None else ''}"
        )
        table.append({"rule": f"fit {spec['attribute']} {spec['match_type']} {label}", "coefficient": learned[feature.key],
                      "points": points, "repeat_points": ""})
        effect[feature.key] = points
        if points:
            seeds["fit_rules"].append({
                "rule_id": unique(f"fit_{_slug(spec['attribute'])}_{_slug(label)}"), "model_id": "all",
                "attribute": spec["attribute"], "match_type": spec["match_type"],
                "match_value": spec.get("match_value"), "min_value": spec.get("min_value"),
                "max_value": spec.get("max_value"), "points": points,
                "description": f"Learned: {spec['attribute']} {spec['match_type']} {label}",
            })

    for rule_id in sorted({f.rule_id for f in features if f.kind in {"first", "repeat"}}):
        spec = next(f.spec for f in features if f.rule_id == rule_id)
        first = round(scale * learned.get(f"{rule_id}|first", 0.0))
        repeat = round(scale * learned.get(f"{rule_id}|repeat", 0.0))
        # sign-consistent: a rule is behaviour (0 or more) or negative (0 or below), never both
        repeat = max(repeat, 0) if first > 0 or (first == 0 and repeat > 0) else min(repeat, 0)
        effect[f"{rule_id}|first"], effect[f"{rule_id}|repeat"] = first, repeat
        name = f"{spec['event_type']} {spec['page_category']}"
        table.append({"rule": f"event {name}", "coefficient": learned.get(f"{rule_id}|first", 0.0),
                      "points": first, "repeat_points": repeat})
        slug = f"{_slug(spec['event_type'])}_{_slug(spec['page_category'])}"
        if first > 0 or (first == 0 and repeat > 0):
            live = _live_rule(live_behaviour, spec["event_type"], spec["page_category"])
            seeds["behaviour_rules"].append({
                "rule_id": unique(f"beh_{slug}"), "model_id": "all", "event_type": spec["event_type"],
                "page_category": spec["page_category"], "journey_stage": live["journey_stage"] if live else "awareness",
                "points": first, "repeat_points": repeat, "max_points": first + REPEAT_CAP * repeat,
                "description": f"Learned: {name}",
            })
        elif first < 0 or repeat < 0:
            seeds["negative_rules"].append({
                "rule_id": unique(f"neg_{slug}"), "model_id": "all", "rule_kind": "event",
                "event_type": spec["event_type"], "page_category": spec["page_category"],
                "points": first, "repeat_points": repeat, "min_points": first + REPEAT_CAP * repeat,
                "description": f"Learned: {name}",
            })

    recent_rows = []
    for feature in (f for f in features if f.kind == "recent"):
        event_type = feature.spec["event_type"]
        unit_points = round(scale * learned[feature.key], 2)
        table.append({"rule": f"recent {event_type} active days in {RECENT_DAYS} days",
                      "coefficient": learned[feature.key], "points": max(unit_points, 0.0), "repeat_points": "per day"})
        effect[feature.key] = max(unit_points, 0.0)  # engagement points are 0 or more
        if unit_points > 0:
            recent_rows.append({
                "rule_id": unique(f"eng_recent_{_slug(event_type)}"), "model_id": "all", "measure": "active_days",
                "event_type": event_type, "window_days": RECENT_DAYS, "free_units": 0,
                "unit_points": _number(unit_points), "max_points": None,
                "description": f"Learned: {event_type} on a day of the last {RECENT_DAYS} days",
            })
    seeds["engagement_rules"] = recent_rows

    factors = {f.rule_id: max(scale * learned[f.key], 0.0) for f in features if f.kind == "scaled"}
    for name, column in (("negative_rules", "points"), ("engagement_rules", "unit_points"), ("decay_rules", "points")):
        _, live_rows = read_seed(live_seeds, name)
        rows = []
        for row in live_rows:
            if name == "negative_rules" and row["rule_kind"] == "event":
                continue  # replaced by the learned event rules above
            if name == "decay_rules" and row["decay_kind"] == "behaviour_half_life":
                continue  # the learned behaviour weights replace it
            factor = factors.get(row["rule_id"], 0.0)
            scaled = dict(row)
            for key in ("points", "repeat_points", "min_points", "max_points", "unit_points"):
                if row.get(key) not in (None, ""):
                    places = 2 if key == "unit_points" else 0
                    scaled[key] = _number(round(float(row[key]) * factor, places) + 0.0)
            effect[row["rule_id"]] = factor
            table.append({"rule": f"{name} {row['rule_id']}", "coefficient": factor / scale if scale else 0.0,
                          "points": scaled[column], "repeat_points": f"x{factor:.2f} of the live points"})
            rows.append(scaled)
        seeds[name] = [*seeds.get(name, []), *rows]
    return seeds, effect, table


def candidate_scores(features: list[Feature], effect: dict[str, float], matrix) -> list[float]:
    import numpy as np

    return list(matrix @ np.array([effect.get(f.key, effect.get(f.rule_id, 0.0)) for f in features]))


def thresholds_keeping_mql_share(
    scores: list[float], train: list[Observation], live_train: list[Observation]
) -> dict[str, float]:
    """Per model, the candidate threshold giving the share of MQLs the live seeds gave on the
    training days."""
    live_share = defaultdict(lambda: [0, 0])
    for o in live_train:
        live_share[o.model_id][0] += o.is_mql
        live_share[o.model_id][1] += 1
    by_model: dict[str, list[float]] = defaultdict(list)
    for o, score in zip(train, scores):
        by_model[o.model_id].append(score)
    thresholds = {}
    for model_id, model_scores in by_model.items():
        mqls, total = live_share.get(model_id, [0, 1])
        ranked = sorted(model_scores, reverse=True)
        wanted = max(1, round(len(ranked) * mqls / max(total, 1)))
        thresholds[model_id] = math.ceil(ranked[min(wanted, len(ranked)) - 1])
    return thresholds


# --- the whole suggestion -----------------------------------------------------------------------


def split_days(days: list[date]) -> tuple[list[date], list[date]]:
    if len(days) < 2:
        raise BacktestError("suggest-weights needs at least 2 observation days (one to learn from, one to test on)")
    holdout = max(1, round(len(days) * HOLDOUT_SHARE))
    return days[:-holdout], days[-holdout:]


def suggest_weights(
    settings: Settings, days: list[date], outcome_day: date, out_dir: Path, progress: Progress | None = None
) -> Suggestion:
    train_days, holdout_days = split_days(days)
    live_seeds = settings.project_dir / LIVE_SEEDS
    work = out_dir / "report" / "work"
    live_db = score_seed_set(settings, LIVE, None, work, days, outcome_day, progress=progress, test_seeds=False)
    rules, specs = probe_rules(live_db, live_seeds)
    probe_folder = write_probe_seeds(work / "probe_seeds", live_seeds, rules)
    probe_db = score_seed_set(
        settings, "probe", probe_folder, work, train_days, outcome_day, keep_points=True, progress=progress,
        test_seeds=False,
    )
    train = load_observations(probe_db, train_days)
    labels = [o.converted for o in train]
    if not 0 < sum(labels) < len(labels):
        raise BacktestError(
            f"the training days {', '.join(map(str, train_days))} hold {sum(labels)} conversions of {len(labels)} "
            "observations: weights need both; choose a longer range"
        )
    if progress:
        progress(f"fitting weights on {len(train):,} observations ({sum(labels):,} converted)")
    features, matrix = features_and_rows(probe_db, specs, train)
    weights = fit_weights(matrix, labels)
    live_observations = load_observations(live_db)
    live_train = [o for o in live_observations if o.observed_on in set(train_days)]
    scale = _scale(matrix, weights, live_train)
    seeds, effect, table = candidate_rules(features, weights, scale, live_seeds)
    thresholds = thresholds_keeping_mql_share(candidate_scores(features, effect, matrix), train, live_train)
    _write_candidate(out_dir, live_seeds, seeds, thresholds)

    candidate_db = score_seed_set(settings, CANDIDATE, out_dir, work, holdout_days, outcome_day, progress=progress)
    held_live = [o for o in live_observations if o.observed_on in set(holdout_days)]
    held_candidate = load_observations(candidate_db, holdout_days)
    sets = {LIVE: held_live, "suggested": held_candidate}
    result = BacktestResult(
        folder=out_dir / "report", days=holdout_days, outcome_day=outcome_day,
        metrics=compare(sets), flips=mql_flips(held_live, held_candidate),
    )
    write_outputs(result, f"the suggested weights ({out_dir.name})")
    weights_table = sorted(table, key=lambda row: (-abs(float(row["coefficient"])), row["rule"]))
    _write_report(out_dir, result, weights_table, train_days, holdout_days, len(train), sum(labels))
    return Suggestion(out_dir, train_days, holdout_days, weights_table, result)


def _scale(matrix, weights, live_train: list[Observation]) -> float:
    """Points per unit of log-odds: the learned score gets the spread of the live scores."""
    import numpy as np

    learned = matrix @ np.array(weights)
    live = np.array([o.total_score for o in live_train]) if live_train else np.array([0.0])
    return float(live.std() / learned.std()) if learned.std() > 0 and live.std() > 0 else 100.0


def _write_candidate(out_dir: Path, live_seeds: Path, seeds: dict[str, list[dict]], thresholds: dict[str, float]) -> None:
    for name, rows in seeds.items():
        columns, _ = read_seed(live_seeds, name)
        write_seed(out_dir, name, columns, rows)
    columns, models = read_seed(live_seeds, "scoring_models")
    for row in models:
        if row["model_id"] in thresholds:
            row["mql_threshold"] = thresholds[row["model_id"]]
        # the learned fit rules are on another scale; the threshold alone keeps the MQL share
        row["mql_min_fit_score"] = ""
    write_seed(out_dir, "scoring_models", columns, models)


def _write_report(out_dir: Path, result: BacktestResult, weights: list[dict], train_days, holdout_days,
                  observations: int, conversions: int) -> None:
    from leadscore.reports import write_csv_for_people

    report = out_dir / "report"
    write_csv_for_people(
        report / "learned_weights.csv",
        [{**row, "coefficient": round(float(row["coefficient"]), 6)} for row in weights],
        ["rule", "coefficient", "points", "repeat_points"],
    )
    gain = {
        metric: {name: result.metric(name, metric) for name in (LIVE, "suggested")}
        for metric in ("roc_auc", "pr_auc", "top_decile_lift", "mqls", "mql_to_sql_rate")
    }
    (report / "expected_gain.json").write_text(json.dumps({
        "train_days": [d.isoformat() for d in train_days],
        "holdout_days": [d.isoformat() for d in holdout_days],
        "train_observations": observations, "train_conversions": conversions,
        "holdout": gain,
    }, indent=2) + "\n")
    lines = [
        "# Suggested weights: expected gain",
        "",
        f"Learned on {observations:,} observations ({conversions:,} converted) of "
        f"{', '.join(map(str, train_days))}; tested on {', '.join(map(str, holdout_days))}.",
        "",
        "| metric (held-out days) | live seeds | suggested |",
        "|---|---:|---:|",
        *(f"| {metric} | {values[LIVE]} | {values['suggested']} |" for metric, values in gain.items()),
        "",
        "The seed CSVs beside this folder are the candidate; `leadscore backtest --candidate` on them "
        "compares again, `leadscore run --seeds` runs them end to end. The live seeds are unchanged.",
    ]
    (report / "expected_gain.md").write_text("\n".join(lines) + "\n")
