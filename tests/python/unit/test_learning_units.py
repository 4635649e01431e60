"""The pieces of learning that need no dbt build: which days are observed and why, one day per
lead, the lead split and the cross-validation, the MQL threshold rules (the same as the report's),
which probe columns may become rules, and what candidate rules say."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import PROJECT_DIR
from leadscore.evaluation.backtest import (
    DataSpan,
    HistoryRequest,
    Observation,
    PlanError,
    explain_observations,
    one_per_lead,
    plan_observations,
)
from leadscore.evaluation.suggest_weights import (
    C_GRID,
    CV_FOLDS,
    Feature,
    candidate_rules,
    choose_regularisation,
    cv_fold,
    is_held_out,
    recommend_threshold,
    usable_columns,
)

EXPORT_DAY = date(2026, 3, 1)
# the export: page views over the 60 days before the export day, outcomes 3 to 20 days after
EXPORT = DataSpan(
    leads=9000,
    first_created=date(2026, 1, 1),
    last_created=EXPORT_DAY,
    events=60000,
    first_event=date(2026, 1, 1),
    last_event=EXPORT_DAY,
    reached=3500,
    first_reached=date(2026, 3, 4),
    last_reached=date(2026, 3, 21),
)
LIVE = DataSpan(
    leads=5000,
    first_created=date(2025, 5, 1),
    last_created=date(2026, 6, 29),
    events=90000,
    first_event=date(2025, 5, 1),
    last_event=date(2026, 6, 29),
    reached=800,
    first_reached=date(2025, 6, 1),
    last_reached=date(2026, 6, 28),
)


def test_an_export_is_observed_once_on_its_last_day() -> None:
    plan = plan_observations(EXPORT, HistoryRequest(date(2026, 3, 22)), 90)
    assert (plan.shape, plan.days, plan.window_days) == ("export", [EXPORT_DAY], 21)
    words = plan.describe()
    assert "observed on 2026-03-01" in words and "21 days after it" in words and "conversion window is 90" in words
    # outcomes known for longer than the window: judged over the whole window
    assert plan_observations(EXPORT, HistoryRequest(date(2026, 9, 1)), 90).window_days == 90
    # --end before the last landed day: observed on --end, and the plan says so
    ended = plan_observations(EXPORT, HistoryRequest(date(2026, 3, 22), end=date(2026, 2, 20)), 90)
    assert ended.days == [date(2026, 2, 20)] and ended.window_days == 30 and "--end 2026-02-20" in ended.describe()


def test_a_live_history_scores_the_days_the_window_can_judge_and_says_what_it_left_out() -> None:
    plan = plan_observations(LIVE, HistoryRequest(date(2026, 6, 30), every=14), 90)
    assert plan.shape == "history" and plan.window_days == 90
    assert plan.days[0] == date(2026, 6, 30) - timedelta(days=180) and plan.days[-1] == date(2026, 4, 1)
    assert all((b - a).days <= 14 for a, b in zip(plan.days, plan.days[1:]))
    assert "Days after 2026-04-01 are not scored" in plan.describe()
    # a history younger than --start: nothing is scored before its first day, and it says so
    young = DataSpan(**{**LIVE.__dict__, "first_created": date(2026, 2, 15), "first_event": date(2026, 2, 15)})
    plan = plan_observations(young, HistoryRequest(date(2026, 6, 30)), 90)
    assert plan.days[0] == date(2026, 2, 15) and "starts on 2026-02-15" in plan.describe()


def test_when_no_day_can_be_judged_the_message_names_the_dates_and_the_fixes() -> None:
    # the export read as a history: no lead existed 90 days before --as-of
    with pytest.raises(PlanError) as raised:
        plan_observations(EXPORT, HistoryRequest(date(2026, 3, 22), shape="history"), 90)
    message = str(raised.value)
    assert "the last day that can be judged is 2025-12-22" in message
    assert "9,000 leads created 2026-01-01 to 2026-03-01" in message
    assert "a longer range cannot help" in message
    assert "known up to 2026-04-01" in message  # first day + window: the --as-of that would work
    assert "at most 80 days" in message  # or a window the data can fill
    assert "--shape export" in message
    assert "choose a longer range" not in message
    # an export observed after its last day, or with no outcome known after it
    with pytest.raises(PlanError, match="after the last day of the landed data"):
        plan_observations(EXPORT, HistoryRequest(date(2026, 3, 22), start=date(2026, 3, 10)), 90)
    with pytest.raises(PlanError, match="no day after it is known"):
        plan_observations(EXPORT, HistoryRequest(date(2026, 3, 1), shape="export"), 90)
    with pytest.raises(PlanError, match="no lead"):
        plan_observations(DataSpan(), HistoryRequest(date(2026, 3, 22)), 90)


def test_no_conversion_names_the_counts_and_the_lifecycle_dates() -> None:
    plan = plan_observations(EXPORT, HistoryRequest(date(2026, 3, 22)), 90)
    rows = [Observation("default", f"L{i}", EXPORT_DAY, 10.0, False, False) for i in range(5)]
    message = explain_observations(rows, plan)
    assert "5 leads observed on 2026-03-01" in message and "within the 21 days after" in message
    assert "3,500 leads at sql or later, from 2026-03-04 to 2026-03-21" in message
    assert "value_aliases" in message and "longer range" not in message
    assert explain_observations([], plan).startswith("no lead can be observed on 2026-03-01")
    mixed = [*rows, Observation("default", "L9", EXPORT_DAY, 10.0, False, True)]
    assert explain_observations(mixed, plan) is None


def test_each_lead_is_observed_once_on_its_latest_observable_day() -> None:
    """fct_lead_score_observations holds a lead on every scored day it existed and had not reached
    sql; one_per_lead keeps its latest one, for every model that scores it."""
    days = [date(2026, 1, 1) + timedelta(days=14 * i) for i in range(8)]
    # L0 never converts (every day); L1 reached sql after days[3] (days 0-3); L2 was created on days[5]
    observable = {"L0": days, "L1": days[:4], "L2": days[5:]}
    rows = [
        Observation(m, lead, d, 0.0, False, lead == "L1")
        for lead, ds in observable.items()
        for d in ds
        for m in ("a", "b")
    ]
    chosen = one_per_lead(rows)
    assert sorted((o.lead_id, o.model_id, o.observed_on) for o in chosen) == [
        ("L0", "a", days[7]),
        ("L0", "b", days[7]),
        ("L1", "a", days[3]),
        ("L1", "b", days[3]),
        ("L2", "a", days[7]),
        ("L2", "b", days[7]),
    ]
    # the order of the rows does not matter
    assert sorted(one_per_lead(list(reversed(rows))), key=str) == sorted(chosen, key=str)


def test_the_split_holds_out_a_stable_third_of_the_leads() -> None:
    leads = [f"L{i:05d}" for i in range(6000)]
    held = [lead for lead in leads if is_held_out(lead)]
    assert abs(len(held) / len(leads) - 1 / 3) < 0.02
    assert held == [lead for lead in leads if is_held_out(lead)]
    folds = [cv_fold(lead) for lead in leads]
    assert set(folds) == set(range(CV_FOLDS)) and min(folds.count(f) for f in range(CV_FOLDS)) > 1000


def test_regularisation_is_chosen_by_lead_grouped_folds_and_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    signal, noise = rng.integers(0, 2, 600), rng.integers(0, 2, (600, 30))
    matrix = np.column_stack([signal, noise]).astype(float)
    labels = list(rng.random(600) < np.where(signal == 1, 0.7, 0.2))
    folds = [i % CV_FOLDS for i in range(600)]
    chosen, scores = choose_regularisation(matrix, labels, folds)
    assert chosen in C_GRID and set(scores) == set(C_GRID)
    assert (chosen, scores) == choose_regularisation(matrix, labels, folds)
    assert max(scores.values()) > 0.65
    # the strongest regularisation within a hair of the best
    assert all(scores[c] < max(scores.values()) - 0.005 for c in C_GRID if c < chosen)


def _threshold_cases() -> list[dict]:
    path = PROJECT_DIR / "models" / "marts" / "reporting" / "_reporting__calibration_unit_tests.yml"
    tests = yaml.safe_load(path.read_text())["unit_tests"]
    return [t for t in tests if t["model"] == "rpt_score_threshold_curve"]


@pytest.mark.parametrize("case", _threshold_cases(), ids=lambda case: case["name"])
def test_candidate_thresholds_follow_the_report_rules(case: dict) -> None:
    """suggest-weights picks a candidate's threshold as rpt_score_threshold_curve recommends it:
    run on the report's own unit-test rows, the Python rule gives the SQL's expected answer."""
    given = {item["input"]: item["rows"] for item in case["given"]}
    observations = given["ref('fct_lead_score_observations')"]
    settings = {key: str(value) for key, value in given["ref('report_settings')"][0].items()}
    expected = case["expect"]["rows"]
    for model_id in sorted({row["model_id"] for row in observations}):
        rows = [row for row in observations if row["model_id"] == model_id]
        choice = recommend_threshold([float(r["total_score"]) for r in rows], [r["converted"] for r in rows], settings)
        wanted = [r for r in expected if r.get("model_id", model_id) == model_id and r["is_recommended"]]
        assert [choice.threshold] == [float(r["threshold"]) for r in wanted]
        assert choice.rule == wanted[0]["recommendation_rule"]


def test_rules_that_fire_for_nearly_every_lead_or_almost_none_are_no_features() -> None:
    leads = 1000
    observations = [Observation("default", f"L{i}", EXPORT_DAY, 0.0, False, i % 3 == 0) for i in range(leads)]
    matrix = np.zeros((leads, 3))
    matrix[:970, 0] = 1  # country = india: 97 % of the leads
    matrix[:300, 1] = 1  # a real value
    matrix[:5, 2] = 1  # five leads
    features = [Feature(f"c{i}", "fit", f"c{i}") for i in range(3)]
    assert usable_columns(features, matrix, observations) == [1]


def test_candidate_rules_say_their_points_and_leave_out_zero_point_rules() -> None:
    specs = [
        {"attribute": "seniority", "match_type": "equals", "match_value": "vp"},
        {"attribute": "lead_origin", "match_type": "equals", "match_value": "lead add form"},
        {"attribute": "job_title", "match_type": "missing"},
    ]
    features = [Feature(f"f{i}", "fit", f"f{i}", {"kind": "fit", **spec}) for i, spec in enumerate(specs)]
    features += [
        Feature("b|first", "first", "b", {"kind": "event", "event_type": "page_view", "page_category": "pricing"}),
        Feature("b|repeat", "repeat", "b", {"kind": "event", "event_type": "page_view", "page_category": "pricing"}),
    ]
    seeds, effect, table = candidate_rules(features, [0.6, 1.0, 0.01, 0.5, 0.1], 20.0, PROJECT_DIR / "seeds")
    fit = {row["match_value"] or row["match_type"]: row for row in seeds["fit_rules"]}
    assert fit["vp"]["points"] == 12
    assert fit["vp"]["description"] == "Learned: +12 when seniority = vp (was +18)"
    assert fit["lead add form"]["description"] == "Learned: +20 when lead_origin = lead add form (new rule)"
    assert "missing" not in fit and effect["f2"] == 0  # 0.2 points round to nothing: no rule
    (pricing,) = seeds["behaviour_rules"]
    assert (pricing["points"], pricing["repeat_points"], pricing["max_points"]) == (10, 2, 18)
    assert pricing["description"] == (
        "Learned: +10 for the first page_view of pricing pages, +2 per repeat up to 4 repeats (was +20, +10 per repeat)"
    )
    # the live rules kept as features and not learned are left out, never kept with 0 points
    assert all(row["points"] not in ("0", 0) for name in ("negative_rules", "decay_rules") for row in seeds[name])
    assert all(row["description"].startswith("Learned: ") for rows in seeds.values() for row in rows)
    assert {row["rule"] for row in table} >= {"fit seniority equals vp", "event page_view pricing"}


def test_the_generated_export_span_reads_as_an_export(tmp_path: Path) -> None:
    from learning_data import write_export

    planted = write_export(tmp_path, leads=300)
    assert planted.as_of == EXPORT_DAY + timedelta(days=21)
    gap = (planted.as_of - planted.last_event_day).days
    assert gap >= 7 and math.isclose(gap, 21)


def test_expected_gain_warns_about_shares_ranges_and_dominant_rules() -> None:
    from leadscore.evaluation.backtest import BacktestResult, compare
    from leadscore.evaluation.suggest_weights import merge_warnings

    rng = np.random.default_rng(5)
    leads = 200
    labels = [bool(x) for x in rng.random(leads) < 0.4]
    status = np.array(labels, dtype=float)  # a CRM status column filled in after conversion: the answer
    noise = rng.integers(0, 2, leads).astype(float)
    matrix = np.column_stack([status, noise])
    features = [
        Feature(
            "status", "fit", "status", {"attribute": "lead_status", "match_type": "equals", "match_value": "qualified"}
        ),
        Feature("noise", "fit", "noise", {"attribute": "city", "match_type": "equals", "match_value": "x"}),
    ]
    effect = {"status": 60.0, "noise": 3.0}
    scores = matrix @ np.array([60.0, 3.0])

    def held(threshold: float) -> list[Observation]:
        return [
            Observation("default", f"L{i}", EXPORT_DAY, float(s), s >= threshold, y)
            for i, (s, y) in enumerate(zip(scores, labels))
        ]

    def warnings_for(candidate: list[Observation], shuffled: float = 0.5) -> str:
        live = [Observation(o.model_id, o.lead_id, o.observed_on, 0.0, False, o.converted) for o in candidate]
        result = BacktestResult(
            Path("."), [EXPORT_DAY], EXPORT_DAY, compare({"live": live, "suggested": candidate}), []
        )
        return "\n".join(merge_warnings(result, candidate, features, effect, matrix, labels, shuffled, None))

    everyone = warnings_for(held(0))
    assert "100% of the held-out leads are MQLs" in everyone
    assert "Rule 'lead_status = qualified' carries" in everyone and "known before conversion" in everyone
    nobody = warnings_for(held(1000), shuffled=0.7)
    assert "no held-out lead is an MQL (0 %)" in nobody
    assert "shuffled-outcome control reached ROC AUC 0.7" in nobody
    bunched = [
        Observation(o.model_id, o.lead_id, o.observed_on, 5.0 + (i % 3), i % 2 == 0, o.converted)
        for i, o in enumerate(held(30))
    ]
    assert "Scores bunch together" in warnings_for(bunched)
    # a share above 0 but too small to matter (the 2 leads of 9,000) is flagged as well
    few = [
        Observation(o.model_id, o.lead_id, o.observed_on, o.total_score, i == 0, o.converted)
        for i, o in enumerate(held(30))
    ]
    assert "only 0.50% of the held-out leads are MQLs (below 1%)" in warnings_for(few)


@pytest.mark.parametrize("target", [0.1, 0.25, 0.4])
def test_a_target_share_threshold_lands_within_a_step_of_the_target(target: float) -> None:
    rng = np.random.default_rng(9)
    scores = list(rng.normal(60, 25, 900).round())
    labels = list(rng.random(900) < 0.3)
    settings = {"threshold_rule": "target_share", "target_mql_share": str(target), "conversion_window_days": "90"}
    choice = recommend_threshold(scores, labels, settings)
    assert abs(choice.mql_share - target) <= 0.05 and choice.threshold > 0
    assert choice.mql_share == sum(score >= choice.threshold for score in scores) / len(scores)


def test_too_few_outcomes_name_the_counts_and_what_would_fix_it() -> None:
    from leadscore.evaluation.backtest import BacktestError
    from leadscore.evaluation.suggest_weights import _check_counts

    plan = plan_observations(EXPORT, HistoryRequest(date(2026, 3, 22)), 90)
    train = [Observation("default", f"T{i}", EXPORT_DAY, 0.0, False, i < 4) for i in range(60)]
    held = [Observation("default", f"H{i}", EXPORT_DAY, 0.0, False, i < 2) for i in range(30)]
    with pytest.raises(BacktestError) as raised:
        _check_counts(train, held, plan)
    message = str(raised.value)
    assert "4 converted and 56 not converted leads to learn from, 2 and 28 held out" in message
    assert "need at least 10 of each" in message
    assert "Observed on 2026-03-01, judged over 21 days up to 2026-03-22" in message
    assert "land more leads, or pass a later --as-of" in message


def test_unit_test_names_fit_a_postgres_relation_name() -> None:
    """dbt names a unit test's relation after the test; Postgres cuts identifiers at 63
    characters and dbt-postgres refuses longer ones. The threshold curve's tests stay well under."""
    names = {}
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", []) or []:
            names[test["name"]] = path.relative_to(PROJECT_DIR).as_posix()
    assert names and all(len(name) <= 63 for name in names), [n for n in names if len(n) > 63]
    calibration = [
        name for name, file in names.items() if file == "models/marts/reporting/_reporting__calibration_unit_tests.yml"
    ]
    assert calibration and all(len(name) <= 55 for name in calibration), calibration


def test_a_weight_below_zero_that_its_rule_cannot_take_is_refitted_without_it() -> None:
    """Recent activity and rescaled live rules take 0 points or more: a column of theirs learned
    below 0 leaves the fit (which is done again) instead of being clipped to 0 afterwards."""
    from leadscore.evaluation.suggest_weights import fit_signed

    rng = np.random.default_rng(11)
    recent = rng.integers(0, 6, 800).astype(float)
    older = recent + rng.integers(0, 3, 800)  # active days in 30 days, which include the last 14
    fit_column = rng.integers(0, 2, 800).astype(float)
    logits = 1.2 * recent - 0.9 * older + 1.0 * fit_column
    labels = list(rng.random(800) < 1 / (1 + np.exp(-logits)))
    features = [
        Feature("recent", "recent", "r"),
        Feature("older", "scaled", "eng_returning_days"),
        Feature("fit", "fit", "f"),
    ]
    matrix = np.column_stack([recent, older, fit_column])
    kept, weights, _ = fit_signed(features, matrix, labels, 1.0, [0, 1, 2])
    assert kept == [0, 2] and all(w > 0 for w in weights)
    # a fit rule may go below 0; with nothing left, every lead scores the same
    assert fit_signed(features, matrix, labels, 1.0, [])[0] == []
