"""Suggest weights from outcomes: which rules had fired by each lead's observation day, and who
converted after it.

1. The live seeds profile the landed data and score the observation days (backtest.py says how
   the days are picked: one day for an export, sampled days for a daily history; each lead is
   observed once). They are also the baseline of the comparison.
2. A *probe* seed set, built from the data, scores the same days: one fit rule per frequent value
   of every lead attribute (lead source and custom columns included), per quartile band of every
   numeric attribute and per attribute often missing, plus the live list rules; one behaviour rule
   per event type and page category seen, counting every event; one engagement rule per event
   type seen, counting its active days in the last 14 days (recent intent, which a count over all
   time cannot show); the live engagement, decay, inactivity and rejection rules as they are. Its
   ledger says which rule fired how often for every lead on its observation day. A rule that fires
   for more than 95 % of the observed leads is no feature (it would only shift every score).
3. Leads are split by a hash of lead_id: a third is held out and never seen by the fit. On the
   others an L1-regularised (lasso) logistic regression is fitted: its strength C is the
   strongest of C_GRID whose mean ROC AUC over 5 cross-validation folds grouped by lead (a hash of
   lead_id again) is within CV_TOLERANCE of the best, and only columns whose weight keeps its
   sign in all five fold fits are kept (values that help in one fold and hurt in another are
   noise). L1 leaves a value that does not help at exactly 0: fewer rules, each one explainable.
   A weight below 0 that its rule cannot take (recent activity, a rescaled live rule) sends its
   column out and the fit is done again (fit_signed). Same inputs, same folds, same weights.
4. Its coefficients, scaled so the scores spread like the live ones (at least MIN_SCORE_SPREAD
   points), are rounded to integer points and written as a candidate seed folder; rules of 0
   points are left out, and every description says the new points and the old ones. The MQL
   threshold per model follows report_settings.threshold_rule on the held-out leads, exactly as
   rpt_score_threshold_curve recommends it.
5. The candidate is scored by dbt and compared with the live seeds on the held-out leads only;
   beside it the unrounded regression and a shuffled-label control (the same fit on outcomes
   shuffled between leads, which must stay near 0.5 on the held-out leads). `expected_gain.md`
   warns about an MQL share below 1 % or above 80 %, a score range too narrow to rank, and a rule
   carrying most of the score (often a column filled in after conversion).
The live seeds are never changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from leadscore.evaluation.backtest import (
    CANDIDATE,
    LIVE,
    BacktestError,
    BacktestResult,
    DbtProject,
    HistoryRequest,
    Observation,
    ObservationPlan,
    Progress,
    SeedSetRun,
    compare,
    conversion_window_days,
    explain_observations,
    mql_flips,
    resolve_plan,
    roc_auc,
    write_outputs,
)
from leadscore.running.seedsets import LIVE_SEEDS
from leadscore.settings import Settings

MIN_LEAD_SHARE = 0.02  # a value (or event kind) must concern 2% of leads...
MIN_LEADS = 10  # ...and at least 10 leads to become a feature
MAX_FIRING_SHARE = 0.95  # a rule firing for more of the observed leads is no feature
NUMERIC_BANDS = 4
REPEAT_CAP = 4  # repeats beyond the first event that still earn points
RECENT_DAYS = 14  # window of the learned engagement rules: active days per event type
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # inverse L1 strength, on columns scaled to [-1, 1]
REGULARISATION_C = 0.3  # fit_weights' default (a single fit without cross-validation)
CV_FOLDS = 5
CV_TOLERANCE = 0.005  # ROC AUC a stronger regularisation may lose against the best C
HOLDOUT_SHARE = 1 / 3
MIN_SCORE_SPREAD = 20.0  # standard deviation of the candidate's scores, in points, at least
MIN_CLASS = 10  # converted and not converted leads each, at least, among the training leads
MIN_HELD_OUT_CLASS = 3
SHARE_TOO_LOW = 0.01
SHARE_TOO_HIGH = 0.8
DOMINANT_SHARE = 0.5  # a rule carrying more of the score's variance than this is flagged
NARROW_RANGE = 10  # points between the 5th and 95th percentile of held-out scores
THRESHOLD_STEP = 5
SUGGESTED = "suggested"


@dataclass
class Feature:
    key: str  # column name of the design matrix
    kind: str  # fit | first | repeat | recent | scaled
    rule_id: str  # the probe (or live) rule whose ledger rows give the value
    spec: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    rule: str  # the rule in words, as rpt_score_threshold_curve words it
    mql_share: float


@dataclass
class Suggestion:
    folder: Path
    plan: ObservationPlan
    train_leads: set[str]
    holdout_leads: set[str]
    weights: list[dict]
    backtest: BacktestResult
    regularisation_c: float
    cv_auc: dict[float, float | None]
    regression_auc: float | None  # the unrounded regression on the held-out leads
    shuffled_auc: float | None  # the same fit on shuffled outcomes, on the held-out leads
    thresholds: dict[str, ThresholdChoice]
    warnings: list[str]

    @property
    def days(self):
        return self.plan.days


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


def _signed(value: float | str | None) -> str:
    if value in (None, ""):
        return "none"
    number = float(value)
    return ("+" if number > 0 else "") + _number(number) if number else "0"


# --- the probe ----------------------------------------------------------------------------------


def probe_rules(database: Path, live_seeds: Path) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """Probe seed rows (fit_rules, behaviour_rules, engagement_rules) from the data the live run
    scored, and the spec of every probe rule by rule_id."""
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
        behaviour.append(
            {
                "rule_id": rule_id,
                "model_id": "all",
                "event_type": event_type,
                "page_category": page_category,
                "journey_stage": "awareness",
                "points": 1,
                "repeat_points": 1,
                "max_points": None,
                "description": "probe",
            }
        )
    engagement = []
    for index, (event_type,) in enumerate(event_types, start=1):
        rule_id = f"probe_eng_{index:04d}"
        specs[rule_id] = {"kind": "recent", "event_type": event_type}
        engagement.append(
            {
                "rule_id": rule_id,
                "model_id": "all",
                "measure": "active_days",
                "event_type": event_type,
                "window_days": RECENT_DAYS,
                "free_units": 0,
                "unit_points": 1,
                "max_points": None,
                "description": "probe",
            }
        )
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
    """Feature list and the design matrix (one row per observation), from the probe's kept
    ledger rows of the observations' days."""
    import numpy as np

    with duckdb.connect(str(database), read_only=True) as connection:
        points = connection.execute(
            """
            with wanted as (
                select unnest(?::varchar[]) as model_id, unnest(?::varchar[]) as lead_id,
                    unnest(?::date[]) as observed_on
            )
            select p.observed_on, p.lead_id, p.model_id, p.rule_id, p.units, p.final_points
            from backtest_points as p
            inner join wanted
                on p.model_id = wanted.model_id and p.lead_id = wanted.lead_id and p.observed_on = wanted.observed_on
            order by p.model_id, p.lead_id, p.observed_on, p.rule_id
            """,
            [
                [o.model_id for o in observations],
                [o.lead_id for o in observations],
                [o.observed_on for o in observations],
            ],
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


def firing_shares(matrix, observations: list[Observation]) -> list[float]:
    """Per column: the share of observed leads for which it is not 0."""
    import numpy as np

    leads = sorted({o.lead_id for o in observations})
    position = {lead: i for i, lead in enumerate(leads)}
    fired = np.zeros((len(leads), matrix.shape[1]), dtype=bool)
    for row, o in enumerate(observations):
        fired[position[o.lead_id]] |= matrix[row] != 0
    return list(fired.mean(axis=0)) if leads else [0.0] * matrix.shape[1]


def usable_columns(features: list[Feature], matrix, observations: list[Observation]) -> list[int]:
    """Columns that fire for some leads but not for nearly all (MAX_FIRING_SHARE) nor fewer than
    MIN_LEADS of them."""
    leads = len({o.lead_id for o in observations})
    return [
        i
        for i, share in enumerate(firing_shares(matrix, observations))
        if share <= MAX_FIRING_SHARE and share * leads >= min(MIN_LEADS, leads)
    ]


# --- the split and the fit ----------------------------------------------------------------------


def _lead_hash(lead_id: str, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}|{lead_id}".encode()).hexdigest()[:12], 16)


def is_held_out(lead_id: str) -> bool:
    """A third of the leads, fixed by a hash of the id: the same lead is held out on every run."""
    return _lead_hash(lead_id, "leadscore-holdout") % 3000 < HOLDOUT_SHARE * 3000


def cv_fold(lead_id: str) -> int:
    return _lead_hash(lead_id, "leadscore-cv") % CV_FOLDS


def fit_weights(matrix, labels, c: float = REGULARISATION_C) -> list[float]:
    """L1-regularised logistic regression; returns one weight per column in the column's units."""
    return list(_fit(matrix, labels, c)[0])


def _fit(matrix, labels, c: float):
    """(weights in the columns' units, intercept) of an L1 (lasso) logistic regression on columns
    scaled by their largest absolute value, so C means the same for counts and flags. L1 sets
    the weight of a value that does not help to exactly 0, so it becomes no rule; liblinear with
    a fixed random_state gives the same weights for the same inputs."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    spread = np.abs(matrix).max(axis=0) if matrix.shape[0] else np.ones(matrix.shape[1])
    spread[spread == 0] = 1.0
    model = LogisticRegression(C=c, solver="liblinear", max_iter=5000, random_state=0, **_lasso())
    model.fit(matrix / spread, list(labels))
    return model.coef_[0] / spread, float(model.intercept_[0])


def _lasso() -> dict:
    """The L1 penalty in the words of the installed scikit-learn (1.8 replaced penalty= by l1_ratio=)."""
    import sklearn

    version = tuple(int(part) for part in re.findall(r"\d+", sklearn.__version__)[:2])
    return {"l1_ratio": 1.0} if version >= (1, 8) else {"penalty": "l1"}


def choose_regularisation(matrix, labels: list[bool], folds: list[int]) -> tuple[float, dict[float, float | None]]:
    """The smallest C of C_GRID (the strongest regularisation: fewer, smaller rules) whose mean
    held-out ROC AUC over the lead-grouped folds is within CV_TOLERANCE of the best (a fold
    without both outcomes is skipped), and the mean AUC per C."""
    import numpy as np

    labels_array = np.array(labels)
    folds_array = np.array(folds)
    scores: dict[float, float | None] = {}
    for c in C_GRID:
        aucs = []
        for fold in sorted(set(folds)):
            train, test = folds_array != fold, folds_array == fold
            if len(set(labels_array[train])) < 2 or len(set(labels_array[test])) < 2:
                continue
            weights, intercept = _fit(matrix[train], labels_array[train], c)
            aucs.append(roc_auc(matrix[test] @ weights + intercept, labels_array[test]))
        scores[c] = round(sum(aucs) / len(aucs), 4) if aucs else None
    measured = [scores[c] for c in C_GRID if scores[c] is not None]
    if not measured:
        return REGULARISATION_C, scores
    best = max(measured)
    return min(c for c in C_GRID if scores[c] is not None and scores[c] >= best - CV_TOLERANCE), scores


def sign_stable_columns(matrix, labels: list[bool], folds: list[int], c: float) -> list[int]:
    """Columns whose weight has the same sign in the fit of every cross-validation fold (at C):
    a value that helps in one fold and hurts in another is noise, and would be a rule a reviewer
    cannot explain (a stability selection)."""
    import numpy as np

    labels_array, folds_array = np.array(labels), np.array(folds)
    signs = []
    for fold in sorted(set(folds)):
        train = folds_array != fold
        if len(set(labels_array[train])) < 2:
            continue
        weights, _ = _fit(matrix[train], labels_array[train], c)
        spread = np.abs(matrix[train]).max(axis=0)
        signs.append(np.sign(np.where(np.abs(weights * spread) > 1e-6, weights, 0.0)))
    if not signs:
        return list(range(matrix.shape[1]))
    stacked = np.array(signs)
    return [j for j in range(matrix.shape[1]) if stacked[0, j] != 0 and (stacked[:, j] == stacked[0, j]).all()]


NON_NEGATIVE = {"recent", "scaled"}  # feature kinds whose rule can only take a weight of 0 or more


def fit_signed(features: list[Feature], matrix, labels: list[bool], c: float, columns: list[int]):
    """(kept columns, weights, intercept) of the fit on `columns`, refitted without the columns
    whose weight came out below 0 where the rule cannot carry it: an engagement rule's points and
    a live rule's rescaling factor are 0 or more. Clipping such a weight to 0 afterwards would
    break the columns it was balanced against (recent activity in 14 days against returning
    days in 30, say) and cost the candidate much of what the fit found."""
    import numpy as np

    kept = list(columns)
    while True:
        if not kept:  # nothing predicts the outcome: every lead scores the same
            return [], np.zeros(0), 0.0
        weights, intercept = _fit(matrix[:, kept], labels, c)
        wrong = {k for k, w in zip(kept, weights) if w < 0 and features[k].kind in NON_NEGATIVE}
        if not wrong:
            return kept, weights, intercept
        kept = [k for k in kept if k not in wrong]


def shuffled(labels: list[bool], observations: list[Observation]) -> list[bool]:
    """The outcomes shuffled between leads (a lead keeps one outcome for all its rows), with a
    fixed seed: the control that must not learn anything."""
    import numpy as np

    per_lead = {}
    for o, label in zip(observations, labels):
        per_lead.setdefault(o.lead_id, label)
    leads = sorted(per_lead)
    permuted = np.random.default_rng(15).permutation([per_lead[lead] for lead in leads])
    mapping = dict(zip(leads, permuted))
    return [bool(mapping[o.lead_id]) for o in observations]


# --- the MQL threshold (as rpt_score_threshold_curve recommends it) -----------------------------


def report_settings(folder: Path) -> dict:
    _, rows = read_seed(folder, "report_settings")
    return rows[0]


def _percent(value) -> str:
    """A share in words as the report writes it: 30%, 87.50%."""
    percent = value * 100
    return f"{int(percent)}%" if percent == int(percent) else f"{float(percent):.2f}%"


def recommend_threshold(scores: list[float], labels: list[bool], settings: dict) -> ThresholdChoice:
    """The threshold rpt_score_threshold_curve recommends for these observations: every 5 points
    from the lowest score (rounded down) to the highest (rounded up); report_settings.threshold_rule
    best_f1 (highest F1, ties to the higher threshold), target_rate (the lowest threshold whose
    MQL->SQL rate reaches target_mql_to_sql_rate with at least min_segment_leads MQLs, else
    best F1) or target_share (the MQL share closest to target_mql_share, ties to the higher).
    Compared exactly (fractions), as the SQL compares decimals."""
    from fractions import Fraction

    rule = settings.get("threshold_rule") or "best_f1"
    window = f"sql within {settings['conversion_window_days']} days"
    conversions = sum(labels)
    low = math.floor(min(scores) / THRESHOLD_STEP) * THRESHOLD_STEP
    high = math.ceil(max(scores) / THRESHOLD_STEP) * THRESHOLD_STEP
    rows = []  # (threshold, passing, captured, F1 or None)
    for threshold in range(int(low), int(high) + 1, THRESHOLD_STEP):
        passing = [label for score, label in zip(scores, labels) if score >= threshold]
        captured = sum(passing)
        f1 = Fraction(2 * captured, len(passing) + conversions) if passing or conversions else None
        rows.append((threshold, len(passing), captured, f1))
    total = len(scores)

    def best_f1() -> int:
        return max(rows, key=lambda r: (r[3] if r[3] is not None else Fraction(-1), r[0]))[0]

    if rule == "target_rate":
        rate, size = Fraction(str(settings["target_mql_to_sql_rate"])), int(settings["min_segment_leads"])
        reaching = [r[0] for r in rows if r[1] > 0 and r[1] >= size and r[2] >= rate * r[1]]
        target_words = f"MQL->SQL rate >= {_percent(rate)}"
        if reaching:
            chosen, words = min(reaching), f"lowest threshold with {target_words} ({window}, at least {size} MQLs)"
        else:
            chosen = best_f1()
            words = f"best F1 for {window} (no threshold reaches {target_words} with at least {size} MQLs)"
    elif rule == "target_share":
        share = Fraction(str(settings["target_mql_share"]))
        chosen = min(rows, key=lambda r: (abs(r[1] - share * total), -r[0]))[0]
        words = f"MQL share closest to {_percent(share)}"
    else:
        chosen, words = best_f1(), f"best F1 for {window}"
    passing = next(r[1] for r in rows if r[0] == chosen)
    return ThresholdChoice(float(chosen), words, passing / total if total else 0.0)


# --- the candidate ------------------------------------------------------------------------------


ZERO_POINTS = "0 points after rounding: no rule"


def rule_name(feature: Feature) -> str:
    """The probe rule a feature comes from, as learned_weights.csv names it."""
    spec = feature.spec
    if feature.kind == "fit":
        return f"fit {spec['attribute']} {spec['match_type']} {_label(spec)}"
    if feature.kind in {"first", "repeat"}:
        return f"event {spec['event_type']} {spec['page_category']}"
    if feature.kind == "recent":
        return f"recent {spec['event_type']} active days in {RECENT_DAYS} days"
    return f"live rule {feature.rule_id}"


def _live_rule(rows: list[dict], event_type: str, page_category: str) -> dict | None:
    for wanted in (page_category, "*"):
        for row in rows:
            if row["event_type"] == event_type and row["page_category"] == wanted and row.get("model_id") == "all":
                return row
    return None


def _same_number(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return abs(float(a) - float(b)) < 1e-9


def _live_fit(rows: list[dict], spec: dict) -> dict | None:
    for row in rows:
        if (
            row.get("model_id") == "all"
            and row["attribute"] == spec["attribute"]
            and row["match_type"] == spec["match_type"]
            and (row.get("match_value") or "").lower() == str(spec.get("match_value") or "").lower()
            and _same_number(row.get("min_value"), spec.get("min_value"))
            and _same_number(row.get("max_value"), spec.get("max_value"))
        ):
            return row
    return None


def _condition(spec: dict) -> str:
    attribute, kind = spec["attribute"], spec["match_type"]
    if kind == "missing":
        return f"{attribute} is missing"
    if kind == "range":
        low, high = spec.get("min_value"), spec.get("max_value")
        if low is not None and high is not None:
            return f"{attribute} from {_number(low)} to under {_number(high)}"
        return f"{attribute} {_number(low)} or more" if low is not None else f"{attribute} under {_number(high)}"
    if kind == "in_list":
        return f"{attribute} in list {spec['match_value']}"
    if kind == "contains":
        return f"{attribute} contains {spec['match_value']}"
    return f"{attribute} = {spec['match_value']}"


def _label(spec: dict) -> str:
    if spec["match_type"] == "missing":
        return "missing"
    if spec["match_type"] == "range":
        low, high = spec.get("min_value"), spec.get("max_value")
        return f"{_number(low) if low is not None else ''}-{_number(high) if high is not None else ''}"
    return str(spec.get("match_value"))


def _event_words(event_type: str, page_category: str) -> str:
    if page_category in (None, "", "none", "*"):
        return event_type
    return f"{event_type} of {page_category} pages"


def candidate_rules(features: list[Feature], weights: list[float], scale: float, live_seeds: Path):
    """Seed rows of the candidate, the points each feature earns (for thresholds and checks) and
    a weights table for people. Rules of 0 points after rounding are left out."""
    learned = {f.key: w for f, w in zip(features, weights)}
    _, live_behaviour = read_seed(live_seeds, "behaviour_rules")
    _, live_fit = read_seed(live_seeds, "fit_rules")
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
        live = _live_fit(live_fit, spec)
        was = f"was {_signed(live['points'])}" if live else "new rule"
        table.append(
            {
                "rule": rule_name(feature),
                "coefficient": learned[feature.key],
                "points": points,
                "repeat_points": "",
                "was": was,
                "note": "" if points else ZERO_POINTS,
            }
        )
        effect[feature.key] = points
        if points:
            seeds["fit_rules"].append(
                {
                    "rule_id": unique(f"fit_{_slug(spec['attribute'])}_{_slug(_label(spec))}"),
                    "model_id": "all",
                    "attribute": spec["attribute"],
                    "match_type": spec["match_type"],
                    "match_value": spec.get("match_value"),
                    "min_value": spec.get("min_value"),
                    "max_value": spec.get("max_value"),
                    "points": points,
                    "description": f"Learned: {_signed(points)} when {_condition(spec)} ({was})",
                }
            )

    for rule_id in sorted({f.rule_id for f in features if f.kind in {"first", "repeat"}}):
        spec = next(f.spec for f in features if f.rule_id == rule_id)
        first = round(scale * learned.get(f"{rule_id}|first", 0.0))
        repeat = round(scale * learned.get(f"{rule_id}|repeat", 0.0))
        # sign-consistent: a rule is behaviour (0 or more) or negative (0 or below), never both
        repeat = max(repeat, 0) if first > 0 or (first == 0 and repeat > 0) else min(repeat, 0)
        effect[f"{rule_id}|first"], effect[f"{rule_id}|repeat"] = first, repeat
        event_type, page_category = spec["event_type"], spec["page_category"]
        name = f"{event_type} {page_category}"
        live = _live_rule(live_behaviour, event_type, page_category)
        was = f"was {_signed(live['points'])}, {_signed(live['repeat_points'])} per repeat" if live else "new rule"
        table.append(
            {
                "rule": f"event {name}",
                "coefficient": learned.get(f"{rule_id}|first", 0.0),
                "points": first,
                "repeat_points": repeat,
                "was": was,
                "note": "" if first or repeat else ZERO_POINTS,
            }
        )
        slug = f"{_slug(event_type)}_{_slug(page_category)}"
        words = (
            f"Learned: {_signed(first)} for the first {_event_words(event_type, page_category)}"
            + (f", {_signed(repeat)} per repeat up to {REPEAT_CAP} repeats" if repeat else ", nothing per repeat")
            + f" ({was})"
        )
        if first > 0 or (first == 0 and repeat > 0):
            seeds["behaviour_rules"].append(
                {
                    "rule_id": unique(f"beh_{slug}"),
                    "model_id": "all",
                    "event_type": event_type,
                    "page_category": page_category,
                    "journey_stage": live["journey_stage"] if live else "awareness",
                    "points": first,
                    "repeat_points": repeat,
                    "max_points": first + REPEAT_CAP * repeat,
                    "description": words,
                }
            )
        elif first < 0 or repeat < 0:
            seeds["negative_rules"].append(
                {
                    "rule_id": unique(f"neg_{slug}"),
                    "model_id": "all",
                    "rule_kind": "event",
                    "event_type": event_type,
                    "page_category": page_category,
                    "points": first,
                    "repeat_points": repeat,
                    "min_points": first + REPEAT_CAP * repeat,
                    "description": words,
                }
            )

    recent_rows = []
    for feature in (f for f in features if f.kind == "recent"):
        event_type = feature.spec["event_type"]
        unit_points = max(round(scale * learned[feature.key], 2), 0.0)  # engagement points are 0 or more
        table.append(
            {
                "rule": rule_name(feature),
                "coefficient": learned[feature.key],
                "points": unit_points,
                "repeat_points": "per day",
                "was": "new rule",
                "note": "" if unit_points else ZERO_POINTS,
            }
        )
        effect[feature.key] = unit_points
        if unit_points > 0:
            recent_rows.append(
                {
                    "rule_id": unique(f"eng_recent_{_slug(event_type)}"),
                    "model_id": "all",
                    "measure": "active_days",
                    "event_type": event_type,
                    "window_days": RECENT_DAYS,
                    "free_units": 0,
                    "unit_points": _number(unit_points),
                    "max_points": None,
                    "description": f"Learned: {_signed(unit_points)} per day with {event_type} in the last "
                    f"{RECENT_DAYS} days (new rule)",
                }
            )
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
            left_out = scaled[column] in ("", "0")
            table.append(
                {
                    "rule": f"{name} {row['rule_id']}",
                    "coefficient": factor / scale if scale else 0.0,
                    "points": scaled[column],
                    "repeat_points": f"x{factor:.2f} of the live points",
                    "was": f"was {_signed(row[column])}",
                    "note": ""
                    if not left_out
                    else ZERO_POINTS
                    if row["rule_id"] in factors
                    else "not a feature (never fired, or left out before the fit): no rule",
                }
            )
            if left_out:
                effect[row["rule_id"]] = 0.0
                continue  # rescaled to nothing: left out
            effect[row["rule_id"]] = factor
            scaled["description"] = (
                f"Learned: {_signed(scaled[column])} (x{factor:.2f} of the live rule, "
                f"was {_signed(row[column])}): {row.get('description', '')}"
            )
            rows.append(scaled)
        seeds[name] = [*seeds.get(name, []), *rows]
    _keep_required_seeds(seeds, features, live_seeds)
    return seeds, effect, table


def _keep_required_seeds(seeds: dict[str, list[dict]], features: list[Feature], live_seeds: Path) -> None:
    """fit_rules and behaviour_rules may not be empty (seed tests): when nothing was learned for
    one, a single row of 0 points that never fires says so."""
    if not seeds["fit_rules"]:
        seeds["fit_rules"].append(
            {
                "rule_id": "fit_none_learned",
                "model_id": "all",
                "attribute": "lead_source",
                "match_type": "equals",
                "match_value": "(no learned fit rule)",
                "points": 0,
                "description": "Learned: no lead attribute earned points; this row never fires "
                "(fit_rules may not be empty)",
            }
        )
    if not seeds["behaviour_rules"]:
        seen = {f.spec.get("event_type") for f in features if f.kind in {"first", "repeat", "recent"}}
        _, event_types = read_seed(live_seeds, "event_types")
        unseen = [row["event_type"] for row in event_types if row["event_type"] not in seen]
        event_type = unseen[0] if unseen else event_types[-1]["event_type"]
        seeds["behaviour_rules"].append(
            {
                "rule_id": "beh_none_learned",
                "model_id": "all",
                "event_type": event_type,
                "page_category": "*",
                "journey_stage": "awareness",
                "points": 0,
                "repeat_points": 0,
                "max_points": 0,
                "description": f"Learned: no event earned points; 0 points for {event_type}, which the data does not "
                "hold (behaviour_rules may not be empty)",
            }
        )


def candidate_scores(features: list[Feature], effect: dict[str, float], matrix) -> list[float]:
    """The candidate's points for every row of the probe's design matrix (what dbt will give,
    caps aside)."""
    import numpy as np

    return list(matrix @ np.array([effect.get(f.key, effect.get(f.rule_id, 0.0)) for f in features]))


def _scale(learned_logits, live_scores: list[float]) -> float:
    """Points per unit of log-odds: the learned score gets the spread of the live scores, and at
    least MIN_SCORE_SPREAD points of standard deviation."""
    import numpy as np

    learned_spread = float(np.std(learned_logits)) if len(learned_logits) else 0.0
    live_spread = float(np.std(live_scores)) if live_scores else 0.0
    target = max(live_spread, MIN_SCORE_SPREAD)
    return target / learned_spread if learned_spread > 0 else target


# --- the whole suggestion -----------------------------------------------------------------------


def suggest_weights(
    settings: Settings,
    request: HistoryRequest | ObservationPlan,
    out_dir: Path,
    progress: Progress | None = None,
) -> Suggestion:
    """Learn a candidate seed folder in out_dir from the landed data and its outcomes; see the
    module's doc. Raises BacktestError (PlanError for dates that cannot be judged) naming what
    is missing."""
    live_seeds = settings.project_dir / LIVE_SEEDS
    work = out_dir / "report" / "work"
    window = conversion_window_days(settings.project_dir)
    with DbtProject(settings, work) as project:
        live = SeedSetRun(project, LIVE, None, progress)
        plan = resolve_plan(live, request, window, progress)
        live.score(plan.days)
        live.observe(plan)
        live_observations = live.observations(plan)
        problem = explain_observations(live_observations, plan)
        if problem:
            raise BacktestError(problem)

        rules, specs = probe_rules(live.database, live_seeds)
        probe = SeedSetRun(project, "probe", write_probe_seeds(work / "probe_seeds", live_seeds, rules), progress)
        probe.load(test=False)
        probe.score(plan.days, keep_points=True)
        suggestion = _learn(settings, project, plan, live_observations, probe.database, specs, out_dir, progress)
    return suggestion


def _learn(
    settings: Settings,
    project: DbtProject,
    plan: ObservationPlan,
    live_observations: list[Observation],
    probe_database: Path,
    specs: dict[str, dict],
    out_dir: Path,
    progress: Progress | None,
) -> Suggestion:
    """The split, the fit, the candidate and its held-out comparison (see the module's doc)."""
    live_seeds = settings.project_dir / LIVE_SEEDS
    observations = sorted(live_observations, key=lambda o: (o.lead_id, o.model_id))
    held = [is_held_out(o.lead_id) for o in observations]
    train = [o for o, h in zip(observations, held) if not h]
    holdout = [o for o, h in zip(observations, held) if h]
    _check_counts(train, holdout, plan)
    features, matrix = features_and_rows(probe_database, specs, observations)
    # which rules fire is no outcome: counted over every observed lead, held out too, so no
    # candidate rule fires for more than MAX_FIRING_SHARE of the leads it is judged on
    shares = firing_shares(matrix, observations)
    columns = usable_columns(features, matrix, observations)
    dropped = {
        rule_name(f): f"fires for {shares[i]:.0%} of the observed leads"
        + (": no feature" if shares[i] > MAX_FIRING_SHARE else ", too few: no feature")
        for i, f in enumerate(features)
        if i not in columns
    }
    features, matrix = [features[i] for i in columns], matrix[:, columns]
    train_matrix, holdout_matrix = matrix[[not h for h in held]], matrix[held]
    labels = [o.converted for o in train]
    if progress:
        progress(f"choosing the regularisation on {len(train):,} observations ({sum(labels):,} converted)")
    folds = [cv_fold(o.lead_id) for o in train]
    c, cv_auc = choose_regularisation(train_matrix, labels, folds)
    holdout_labels = [o.converted for o in holdout]
    weights, intercept = _fit(train_matrix, labels, c)
    regression_auc = roc_auc(holdout_matrix @ weights + intercept, holdout_labels)  # every usable column
    # the control goes through the same selection and fit, on outcomes shuffled between leads
    control_labels = shuffled([o.converted for o in observations], observations)
    control_train = [y for y, h in zip(control_labels, held) if not h]
    stable = sign_stable_columns(train_matrix, control_train, folds, c)
    kept, control_weights, control_intercept = fit_signed(features, train_matrix, control_train, c, stable)
    shuffled_auc = roc_auc(
        holdout_matrix[:, kept] @ control_weights + control_intercept, [y for y, h in zip(control_labels, held) if h]
    )
    stable = sign_stable_columns(train_matrix, labels, folds, c)
    kept, weights, intercept = fit_signed(features, train_matrix, labels, c, stable)
    for j, feature in enumerate(features):
        if j not in stable:
            dropped.setdefault(rule_name(feature), "weight 0 or changing sign across the cross-validation folds")
        elif j not in kept:
            dropped.setdefault(
                rule_name(feature),
                "learned below 0, which its rule cannot give (recent activity, or a live rule that is only rescaled)",
            )
    features, train_matrix, holdout_matrix = [features[j] for j in kept], train_matrix[:, kept], holdout_matrix[:, kept]
    if not kept:
        raise BacktestError(
            f"nothing to learn: no rule on offer ranked the {len(train):,} training leads the same way in all "
            f"{CV_FOLDS} cross-validation folds ({len(dropped):,} rules on offer left out). "
            "The landed attributes and events do not tell converted leads apart; land the columns and events your "
            "CRM knows before conversion, or more leads."
        )

    scale = _scale(train_matrix @ weights, [o.total_score for o in train])
    seeds, effect, table = candidate_rules(features, list(weights), scale, live_seeds)
    held_scores = candidate_scores(features, effect, holdout_matrix)
    # an export is judged over fewer days than the window: the rule's words say how many
    report = {**report_settings(live_seeds), "conversion_window_days": plan.window_days}
    thresholds, warnings = {}, []
    for model_id in sorted({o.model_id for o in holdout}):
        rows = [(s, o.converted) for s, o in zip(held_scores, holdout) if o.model_id == model_id]
        choice = recommend_threshold([score for score, _ in rows], [label for _, label in rows], report)
        if choice.threshold <= 0:
            warnings.append(
                f"Model {model_id}: the rule ({choice.rule}) picked a threshold of {_number(choice.threshold)}, "
                f"but MQL thresholds must be above 0; {THRESHOLD_STEP} is used instead."
            )
            choice = ThresholdChoice(
                float(THRESHOLD_STEP),
                choice.rule + f" (raised to {THRESHOLD_STEP})",
                sum(score >= THRESHOLD_STEP for score, _ in rows) / len(rows),
            )
        thresholds[model_id] = choice
    _write_candidate(out_dir, live_seeds, seeds, {m: t.threshold for m, t in thresholds.items()})

    candidate = SeedSetRun(project, CANDIDATE, out_dir, progress)
    candidate.load(test=True)
    candidate.score(plan.days)
    candidate.observe(plan)
    candidate_observations = candidate.observations(plan)
    held_keys = {(o.model_id, o.lead_id, o.observed_on) for o in holdout}
    held_live = [o for o in live_observations if (o.model_id, o.lead_id, o.observed_on) in held_keys]
    held_candidate = [o for o in candidate_observations if (o.model_id, o.lead_id, o.observed_on) in held_keys]
    sets = {LIVE: held_live, SUGGESTED: held_candidate}
    result = BacktestResult(
        folder=out_dir / "report",
        days=plan.days,
        outcome_day=plan.outcome_day,
        metrics=compare(sets),
        flips=mql_flips(held_live, held_candidate),
    )
    write_outputs(result, f"the suggested weights ({out_dir.name})")
    for row in table:  # a live rule kept as a feature is named by its seed in the table
        row["note"] = dropped.pop(f"live rule {row['rule'].split(' ', 1)[-1]}", row["note"])
    offered = {row["rule"] for row in table}
    table += [
        {"rule": name, "coefficient": 0.0, "points": 0, "repeat_points": "", "was": "", "note": why}
        for name, why in sorted(dropped.items())
        if name not in offered
    ]
    weights_table = sorted(table, key=lambda row: (-abs(float(row["coefficient"])), row["rule"]))
    warnings += merge_warnings(
        result, held_candidate, features, effect, holdout_matrix, holdout_labels, shuffled_auc, regression_auc
    )
    suggestion = Suggestion(
        folder=out_dir,
        plan=plan,
        train_leads={o.lead_id for o in train},
        holdout_leads={o.lead_id for o in holdout},
        weights=weights_table,
        backtest=result,
        regularisation_c=c,
        cv_auc=cv_auc,
        regression_auc=regression_auc,
        shuffled_auc=shuffled_auc,
        thresholds=thresholds,
        warnings=warnings,
    )
    _write_report(suggestion, train, holdout)
    return suggestion


def _check_counts(train: list[Observation], holdout: list[Observation], plan: ObservationPlan) -> None:
    """Enough converted and not converted leads on both sides of the split, or a message with
    the counts."""

    def counts(rows):
        leads = {o.lead_id: o.converted for o in rows}
        return sum(leads.values()), len(leads) - sum(leads.values())

    (train_yes, train_no), (held_yes, held_no) = counts(train), counts(holdout)
    if min(train_yes, train_no) < MIN_CLASS or min(held_yes, held_no) < MIN_HELD_OUT_CLASS:
        raise BacktestError(
            f"too few outcomes to learn from: {train_yes:,} converted and {train_no:,} not converted leads to learn "
            f"from, {held_yes:,} and {held_no:,} held out (need at least {MIN_CLASS} of each to learn, "
            f"{MIN_HELD_OUT_CLASS} held out). Observed on "
            f"{plan.days[0] if len(plan.days) == 1 else str(len(plan.days)) + ' days'}, "
            f"judged over {plan.window_days} days up to {plan.outcome_day}: land more leads, or pass a later --as-of "
            "that covers more outcomes."
        )


def merge_warnings(
    result: BacktestResult,
    held_candidate: list[Observation],
    features: list[Feature],
    effect: dict[str, float],
    holdout_matrix,
    holdout_labels: list[bool],
    shuffled_auc: float | None,
    regression_auc: float | None,
) -> list[str]:
    """What a reviewer should look at before merging: the MQL share per model (below 1 % or
    above 80 %), a score range too narrow to rank, a rule carrying most of the score, a candidate
    that does not beat the live seeds, a control that learned something."""
    import numpy as np

    warnings = []
    for model_id in sorted({o.model_id for o in held_candidate}):
        rows = [o for o in held_candidate if o.model_id == model_id]
        share = sum(o.is_mql for o in rows) / len(rows)
        if share == 0:
            warnings.append(f"Model {model_id}: no held-out lead is an MQL (0 %): the threshold is above every score.")
        elif share < SHARE_TOO_LOW:
            warnings.append(
                f"Model {model_id}: only {share:.2%} of the held-out leads are MQLs (below "
                f"{SHARE_TOO_LOW:.0%}): sales would see almost nobody; consider threshold_rule "
                "target_share in report_settings."
            )
        elif share > SHARE_TOO_HIGH:
            warnings.append(
                f"Model {model_id}: {share:.0%} of the held-out leads are MQLs (above "
                f"{SHARE_TOO_HIGH:.0%}): an MQL then means little; consider threshold_rule "
                "target_share in report_settings."
            )
    scores = np.array([o.total_score for o in held_candidate])
    if len(scores):
        low, high = np.percentile(scores, [5, 95])
        if high - low < NARROW_RANGE:
            warnings.append(
                f"Scores bunch together: 90 % of the held-out leads score between {low:.0f} and {high:.0f} "
                "points, too narrow for a threshold to separate them."
            )
    columns = np.array([effect.get(f.key, effect.get(f.rule_id, 0.0)) for f in features])
    contributions = holdout_matrix * columns if len(features) else np.zeros((0, 0))
    total_variance = float(np.var(contributions.sum(axis=1))) if contributions.size else 0.0
    for i, feature in enumerate(features):
        if not total_variance or not columns[i]:
            continue
        share = float(np.var(contributions[:, i])) / total_variance
        alone = roc_auc(holdout_matrix[:, i] * np.sign(columns[i]), holdout_labels)
        if share > DOMINANT_SHARE or (alone is not None and alone > 0.95):
            warnings.append(
                f"Rule {_feature_words(feature)} carries {share:.0%} of the score's spread"
                + (f" and alone ranks the held-out leads at ROC AUC {alone:.2f}" if alone is not None else "")
                + ": check that it is known before conversion (a status or tag column the CRM fills in later "
                "leaks the outcome)."
            )
    live_auc, suggested_auc = result.metric(LIVE, "roc_auc"), result.metric(SUGGESTED, "roc_auc")
    if suggested_auc is not None and live_auc is not None and suggested_auc <= live_auc:
        warnings.append(
            f"The candidate ranks the held-out leads no better than the live seeds "
            f"(ROC AUC {suggested_auc} vs {live_auc}): do not merge it."
        )
    if shuffled_auc is not None and abs(shuffled_auc - 0.5) > 0.1:
        warnings.append(
            f"The shuffled-outcome control reached ROC AUC {shuffled_auc} on the held-out leads (should "
            "be near 0.5): the figures are not trustworthy."
        )
    conversions = result.metric(SUGGESTED, "conversions")
    if conversions is not None and conversions < 30:
        warnings.append(f"Only {conversions} held-out leads converted: the held-out figures are noisy.")
    if regression_auc is not None and suggested_auc is not None and regression_auc - suggested_auc > 0.05:
        warnings.append(
            f"The candidate's rules (the rules kept, whole points, caps) cost {regression_auc - suggested_auc:.3f} "
            f"of ROC AUC against the unrounded regression on every usable column ({regression_auc})."
        )
    return warnings


def _feature_words(feature: Feature) -> str:
    spec = feature.spec
    if feature.kind == "fit":
        return f"'{_condition(spec)}'"
    if feature.kind in {"first", "repeat"}:
        return f"'{feature.kind} {_event_words(spec['event_type'], spec['page_category'])}'"
    if feature.kind == "recent":
        return f"'days with {spec['event_type']} in the last {RECENT_DAYS} days'"
    return f"'{feature.rule_id}'"


def _write_candidate(
    out_dir: Path, live_seeds: Path, seeds: dict[str, list[dict]], thresholds: dict[str, float]
) -> None:
    for name, rows in seeds.items():
        columns, _ = read_seed(live_seeds, name)
        write_seed(out_dir, name, columns, rows)
    columns, models = read_seed(live_seeds, "scoring_models")
    for row in models:
        if row["model_id"] in thresholds:
            row["mql_threshold"] = _number(thresholds[row["model_id"]])
        # the learned fit rules are on another scale: the threshold alone makes an MQL
        row["mql_min_fit_score"] = ""
    write_seed(out_dir, "scoring_models", columns, models)


def write_learned_weights(report: Path, weights: list[dict]) -> None:
    """learned_weights.csv for people (text cells neutralised): every rule on offer, its
    coefficient, its points, the live points it replaces and, for a rule left out, why."""
    from leadscore.reporting.csv_for_people import write_csv_for_people

    write_csv_for_people(
        report / "learned_weights.csv",
        [{**row, "coefficient": round(float(row["coefficient"]), 6)} for row in weights],
        ["rule", "coefficient", "points", "repeat_points", "was", "note"],
    )


def _write_report(suggestion: Suggestion, train: list[Observation], holdout: list[Observation]) -> None:
    from leadscore.reporting.csv_for_people import write_csv_for_people

    result, plan = suggestion.backtest, suggestion.plan
    report = suggestion.folder / "report"
    write_learned_weights(report, suggestion.weights)
    write_csv_for_people(
        report / "split.csv",
        [
            {
                "lead_id": o.lead_id,
                "model_id": o.model_id,
                "observed_on": o.observed_on.isoformat(),
                "set": part,
                "converted": o.converted,
            }
            for part, rows in (("train", train), ("held_out", holdout))
            for o in rows
        ],
        ["lead_id", "model_id", "observed_on", "set", "converted"],
    )
    gain = {
        metric: {name: result.metric(name, metric) for name in (LIVE, SUGGESTED)}
        for metric in ("observations", "conversions", "roc_auc", "pr_auc", "top_decile_lift", "mqls", "mql_to_sql_rate")
    }
    thresholds = {
        m: {"threshold": t.threshold, "rule": t.rule, "mql_share": round(t.mql_share, 4)}
        for m, t in suggestion.thresholds.items()
    }
    (report / "expected_gain.json").write_text(
        json.dumps(
            {
                "shape": plan.shape,
                "days": [d.isoformat() for d in plan.days],
                "outcome_day": plan.outcome_day.isoformat(),
                "window_days": plan.window_days,
                "train_leads": len(suggestion.train_leads),
                "held_out_leads": len(suggestion.holdout_leads),
                "train_conversions": len({o.lead_id for o in train if o.converted}),
                "regularisation_c": suggestion.regularisation_c,
                "cv_roc_auc": {str(c): auc for c, auc in suggestion.cv_auc.items()},
                "holdout": gain,
                "holdout_regression_roc_auc": suggestion.regression_auc,
                "holdout_shuffled_control_roc_auc": suggestion.shuffled_auc,
                "thresholds": thresholds,
                "warnings": suggestion.warnings,
            },
            indent=2,
        )
        + "\n"
    )
    lines = [
        "# Suggested weights: expected gain",
        "",
        plan.describe(),
        "",
        f"Learned on {len(suggestion.train_leads):,} leads "
        f"({len({o.lead_id for o in train if o.converted}):,} converted); tested on {len(suggestion.holdout_leads):,} "
        "other leads (a third, by a hash of lead_id: no lead is in both; `split.csv`). Regularisation C = "
        f"{suggestion.regularisation_c}, chosen by {CV_FOLDS}-fold cross-validation grouped by lead "
        f"(mean ROC AUC per C: {', '.join(f'{c}: {a}' for c, a in suggestion.cv_auc.items())}).",
        "",
        "| metric (held-out leads) | live seeds | suggested |",
        "|---|---:|---:|",
        *(f"| {metric} | {values[LIVE]} | {values[SUGGESTED]} |" for metric, values in gain.items()),
        "",
        f"On the same held-out leads the unrounded regression reaches ROC AUC {suggestion.regression_auc}; the same "
        f"fit on shuffled outcomes {suggestion.shuffled_auc} (chance is 0.5).",
        "",
        "MQL thresholds (report_settings.threshold_rule, on the held-out leads, as rpt_score_threshold_curve "
        "recommends them; AUC does not depend on them):",
        *(
            f"- {m}: {_number(t.threshold)} ({t.rule}): {t.mql_share:.1%} of the held-out leads"
            for m, t in suggestion.thresholds.items()
        ),
        "",
        "## Check before merging",
        "",
        *([f"- {w}" for w in suggestion.warnings] or ["- Nothing looks wrong."]),
        "",
        "The seed CSVs beside this folder are the candidate; `leadscore backtest --candidate` on them "
        "compares again, `leadscore run --seeds` runs them end to end. The live seeds are unchanged.",
    ]
    (report / "expected_gain.md").write_text("\n".join(lines) + "\n")
