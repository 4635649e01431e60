"""suggest-weights on demo data with a planted truth: the learned weights find the drivers, beat
the default weights on held-out days, and inverting them backtests worse."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from leadscore.backtest import load_observations, observation_days, score_metrics, score_seed_set
from leadscore.demo_data import generate_demo_data
from leadscore.suggest_weights import features_and_rows, fit_weights, probe_rules, read_seed, write_seed

END = date(2026, 10, 31)
# The demo's planted behaviour drives conversion within days (sql ~1.5 days after a burst of
# intent), and high-intent bursts sit mostly in the data set's last 60 days: with the default
# 90-day window every judgeable day lies before them. A 14-day window judges days inside them.
WINDOW_DAYS = 14


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _add_custom_column(landing: Path) -> None:
    """A custom CRM column (pure noise) the probe must offer as fit rules like any attribute."""
    leads = landing / "leads.parquet"
    with duckdb.connect() as db:
        db.execute(
            f"copy (select *, case when hash(lead_id) % 3 = 0 then 'trade show' else 'website' end as lead_origin "
            f"from read_parquet('{leads}')) to '{landing / 'leads_new.parquet'}' (format parquet)"
        )
    (landing / "leads_new.parquet").replace(leads)


def event_weight(seeds: Path, name: str) -> float:
    """Points one recent event of this type (or a page view of this category) earns under the
    candidate: its behaviour or negative event rule, plus its recent-activity engagement rule."""
    rules = [
        float(row["points"])
        for seed in ("behaviour_rules", "negative_rules")
        for row in _rows(seeds / f"{seed}.csv")
        if row.get("event_type") and (row["event_type"] == name or (row["event_type"] == "page_view" and row["page_category"] == name))
    ]
    strongest = max(rules, key=abs) if rules else 0.0
    recent = sum(float(r["unit_points"]) for r in _rows(seeds / "engagement_rules.csv") if r["rule_id"] == f"eng_recent_{name}")
    return strongest + recent


def inverted(candidate: Path, folder: Path) -> Path:
    """The candidate with every learned weight's sign flipped: fit points negated, behaviour rules
    turned into negative rules and back, the learned recent-activity rules dropped."""
    columns, fit = read_seed(candidate, "fit_rules")
    write_seed(folder, "fit_rules", columns, [{**r, "points": -float(r["points"])} for r in fit])
    beh_columns, behaviour = read_seed(candidate, "behaviour_rules")
    neg_columns, negative = read_seed(candidate, "negative_rules")
    write_seed(folder, "behaviour_rules", beh_columns, [
        {**r, "journey_stage": "awareness", "points": -float(r["points"]), "repeat_points": -float(r["repeat_points"]),
         "max_points": -float(r["min_points"])}
        for r in negative if r["rule_kind"] == "event"
    ])
    write_seed(folder, "negative_rules", neg_columns, [
        {**r, "rule_kind": "event", "points": -float(r["points"]), "repeat_points": -float(r["repeat_points"]),
         "min_points": -float(r["max_points"])}
        for r in behaviour
    ] + [r for r in negative if r["rule_kind"] != "event"])
    columns, engagement = read_seed(candidate, "engagement_rules")  # cannot go below 0: dropped
    write_seed(folder, "engagement_rules", columns, [r for r in engagement if not r["rule_id"].startswith("eng_recent_")])
    return folder


@pytest.fixture
def short_window_project(project_copy: Path) -> Path:
    settings = project_copy / "seeds" / "report_settings.csv"
    columns, rows = read_seed(project_copy / "seeds", "report_settings")
    write_seed(project_copy / "seeds", "report_settings", columns, [{**rows[0], "conversion_window_days": WINDOW_DAYS}])
    assert settings.exists()
    return project_copy


def test_suggested_weights_find_the_planted_drivers(isolated_dbt: Path, short_window_project: Path) -> None:
    from leadscore.suggest_weights import suggest_weights

    landing = isolated_dbt / "landing"
    generate_demo_data(landing, leads=3000, seed=7, end_date=END, file_format="parquet")
    _add_custom_column(landing)
    truth = json.loads((landing / "demo_truth.json").read_text())
    live_seeds = short_window_project / "seeds"
    live_before = {path.name: path.read_bytes() for path in live_seeds.iterdir()}
    settings = make_settings(isolated_dbt, landing, project_dir=short_window_project)
    days = observation_days(date(2026, 9, 1), END, 8, END, WINDOW_DAYS)
    out = isolated_dbt / "suggested"

    suggestion = suggest_weights(settings, days, END, out)

    # a candidate seed folder, learned on the earlier days, tested on the later ones
    assert suggestion.train_days == days[:5] and suggestion.holdout_days == days[5:]
    assert {p.name for p in out.glob("*.csv")} == {
        "fit_rules.csv", "behaviour_rules.csv", "negative_rules.csv", "engagement_rules.csv", "decay_rules.csv",
        "scoring_models.csv",
    }
    assert {path.name: path.read_bytes() for path in live_seeds.iterdir()} == live_before
    # every rule kind a user writes was on offer: lead source and the custom column too
    learned = {row["rule"] for row in _rows(out / "report" / "learned_weights.csv")}
    assert any(rule.startswith("fit lead_source equals") for rule in learned)
    assert any(rule.startswith("fit lead_origin equals") for rule in learned)
    assert any(rule.startswith("event page_view pricing") for rule in learned)
    assert any(rule.startswith("recent webinar_attendance") for rule in learned)

    # planted behaviour drivers outrank the noise
    behaviour_kinds = {"event_type", "page_category"}
    drivers = [d["name"] for d in truth["drivers"] if d["kind"] in behaviour_kinds and d["sign"] > 0]
    noise = [n["name"] for n in truth["noise"] if n["kind"] in behaviour_kinds and n["name"] != "home_and_about"]
    driver_weights = [event_weight(out, name) for name in drivers]
    noise_weights = [event_weight(out, name) for name in noise]
    pairs = [(d > n) + 0.5 * (d == n) for d in driver_weights for n in noise_weights]
    assert sum(pairs) / len(pairs) > 0.6, (dict(zip(drivers, driver_weights)), dict(zip(noise, noise_weights)))
    assert sum(driver_weights) / len(drivers) > sum(noise_weights) / len(noise) + 5
    assert event_weight(out, "careers") < 0  # job seekers never convert
    # and the planted fit: b2b over b2c, students, competitors and personal e-mail below zero
    fit = {(r["attribute"], r["match_value"]): float(r["points"]) for r in _rows(out / "fit_rules.csv")}
    assert fit.get(("account_business_model", "b2b"), 0) > fit.get(("account_business_model", "b2c"), 0)
    assert fit[("seniority", "student")] < 0
    assert fit[("email_domain", "competitor_domains")] < 0
    assert fit[("email_domain", "personal_email_domains")] < 0

    # held out: the suggestion beats the default weights; its inverse does worse than both
    live_auc = suggestion.backtest.metric("live", "roc_auc")
    suggested_auc = suggestion.backtest.metric("suggested", "roc_auc")
    assert suggested_auc > live_auc
    flipped = inverted(out, isolated_dbt / "inverted")
    database = score_seed_set(settings, "inverted", flipped, isolated_dbt / "work", suggestion.holdout_days, END)
    inverted_auc = score_metrics(load_observations(database, suggestion.holdout_days))["roc_auc"]
    assert inverted_auc < live_auc < suggested_auc
    gain = json.loads((out / "report" / "expected_gain.json").read_text())
    assert gain["holdout"]["roc_auc"] == {"live": live_auc, "suggested": suggested_auc}
    print(f"held-out ROC AUC: live {live_auc}, suggested {suggested_auc}, inverted {inverted_auc}")

    # reproducible: the same probe ledger gives the same rules and the same weights
    live_db = out / "report" / "work" / "live" / "scores.duckdb"
    probe_db = out / "report" / "work" / "probe" / "scores.duckdb"
    rules, specs = probe_rules(live_db, live_seeds)
    assert rules["fit_rules"] == probe_rules(live_db, live_seeds)[0]["fit_rules"]
    train = load_observations(probe_db, suggestion.train_days)
    features, matrix = features_and_rows(probe_db, specs, train)
    labels = [o.converted for o in train]
    assert fit_weights(matrix, labels) == fit_weights(matrix, labels)
