"""Learning from a live daily history: leads created over four months, their events from creation
on (converted leads keep visiting after sales took them), each converter at sql 5 to 60 days
after creation. `leadscore suggest-weights --as-of <the last day>` with nothing else scores the
sampled days whose 90-day window is over, observes each lead once, on the latest of them before
it converted, and must beat the shipped seeds on held-out leads.

One suggestion (learning_cases.history_case) is shared by every test of the module (they only
read it)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from learning_cases import HISTORY_AS_OF, HISTORY_DAYS, Case, history_case


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return history_case(tmp_path_factory.mktemp("history"))


def landed_days(case: Case, stage: str = "sql") -> dict[str, date]:
    with (case.root / "landing" / "lifecycle.csv").open(newline="") as handle:
        return {
            row["lead_id"]: date.fromisoformat(row["entered_at"][:10])
            for row in csv.DictReader(handle)
            if row["stage"] == stage
        }


def created_days(case: Case) -> dict[str, date]:
    with (case.root / "landing" / "leads.csv").open(newline="") as handle:
        return {row["lead_id"]: date.fromisoformat(row["created_at"][:10]) for row in csv.DictReader(handle)}


def test_a_history_gives_a_candidate_with_only_as_of(history: Case) -> None:
    assert history.suggested.returncode == 0, history.output
    assert "Daily history" in history.output
    gain = history.gain
    days = [date.fromisoformat(day) for day in gain["days"]]
    # from the first landed day (not 180 days before --as-of: nothing existed then) every 14 days
    # to the last day whose 90-day window is over, which is scored too
    assert days[0] == HISTORY_AS_OF - timedelta(days=HISTORY_DAYS) and days[-1] == HISTORY_AS_OF - timedelta(days=90)
    assert all(0 < (b - a).days <= 14 for a, b in zip(days, days[1:]))
    assert gain["shape"] == "history" and gain["window_days"] == 90
    assert "Days after 2026-04-01 are not scored" in history.output


def test_each_lead_is_observed_on_its_latest_day_before_it_converted(history: Case) -> None:
    split = history.rows("report/split.csv")
    leads = [row["lead_id"] for row in split]
    assert len(leads) == len(set(leads))  # one model, one day per lead
    train = {row["lead_id"] for row in split if row["set"] == "train"}
    held = {row["lead_id"] for row in split if row["set"] == "held_out"}
    assert train and held and not train & held
    scored = [date.fromisoformat(day) for day in history.gain["days"]]
    converted_on, created_on = landed_days(history), created_days(history)
    for row in split:
        observed = date.fromisoformat(row["observed_on"])
        sql_day = converted_on.get(row["lead_id"], date.max)
        # features as they stood before sql: what sales did and the visits after are unseen
        assert created_on[row["lead_id"]] <= observed < sql_day, row
        assert observed == max(day for day in scored if day < sql_day), row
        assert row["converted"] == str(sql_day <= observed + timedelta(days=90)), row
    # every lead that existed on a scored day before its sql is observed
    observable = {
        lead
        for lead, created in created_on.items()
        if any(created <= day < converted_on.get(lead, date.max) for day in scored)
    }
    assert set(leads) == observable


def test_the_candidate_beats_the_shipped_seeds_on_held_out_leads(history: Case) -> None:
    gain = history.gain
    live, suggested = gain["holdout"]["roc_auc"]["live"], gain["holdout"]["roc_auc"]["suggested"]
    assert suggested > live + 0.05, gain["holdout"]
    assert abs(gain["holdout_shuffled_control_roc_auc"] - 0.5) <= 0.1
    # best F1 (the shipped rule) on the held-out leads: an MQL share neither 0 nor everyone
    (threshold,) = gain["thresholds"].values()
    assert threshold["rule"].startswith("best F1 for sql within 90 days")
    assert 0 < gain["holdout"]["mqls"]["suggested"] < gain["holdout"]["observations"]["suggested"]
    print(
        f"history held-out ROC AUC: shipped {live}, candidate {suggested}, "
        f"regression {gain['holdout_regression_roc_auc']}, shuffled {gain['holdout_shuffled_control_roc_auc']}"
    )
