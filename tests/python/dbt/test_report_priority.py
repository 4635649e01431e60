"""The sales priority list and the account scores on demo data, checked against the scores,
the ledger and the history with independent queries (not the models' SQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import build

DAY_2 = date(2026, 6, 30)
DAY_1 = DAY_2 - timedelta(days=1)
# Only what the two models need: other report models are not built, and tests of models outside
# the selection are not run (cautious indirect selection).
SELECTION = ["+rpt_sales_priority", "+fct_account_scores", "account_scoring", "account_grade_bands"]
SALES_STAGES = {"sql", "opportunity", "won", "lost", "rejected"}
REACHED_SQL = {"sql", "opportunity", "won", "lost"}


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate_demo_data(landing, leads=1500, seed=7, end_date=DAY_2, file_format="csv", events_per_lead=30)
    return landing


@pytest.fixture
def selected_build(isolated_dbt: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    return isolated_dbt


def score_days(tmp_path: Path, landing: Path, days: list[date], project_dir: Path | None = None) -> Path:
    settings = make_settings(tmp_path, landing, **({"project_dir": project_dir} if project_dir else {}))
    for day in days:
        build(settings, day, select=SELECTION)
    return settings.duckdb_path


def rows(db: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = db.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def points_text(points: Decimal) -> str:
    return str(int(points)) if points == points.to_integral_value() else f"{points:.2f}"


def test_priority_list_ranks_open_mqls_and_explains_them(selected_build: Path, demo_landing: Path) -> None:
    database = score_days(selected_build, demo_landing, [DAY_1, DAY_2])
    with duckdb.connect(str(database), read_only=True) as db:
        share, size = db.execute("select near_mql_share, priority_list_size from report_settings").fetchone()
        scores = rows(db, "select * from fct_lead_scores")
        listed = rows(db, "select * from rpt_sales_priority order by model_id, priority_rank")
        ledger = rows(
            db, "select lead_id, model_id, rule_id, rule_description, evidence, final_points from fct_lead_score_points"
        )
        day_1 = {
            (row["lead_id"], row["model_id"]): row["total_score"]
            for row in rows(db, f"select * from fct_lead_score_history where as_of_date = '{DAY_1}'")
        }
        changes = rows(
            db, f"select lead_id, model_id, rule_id from fct_lead_score_changes where as_of_date = '{DAY_2}'"
        )

    # the list is exactly the open MQLs, then near-MQLs, by score, then latest activity, then id
    expected: dict[str, list[dict]] = defaultdict(list)
    for score in scores:
        near = score["total_score"] >= share * score["mql_threshold"]
        if score["stage_reached"] not in SALES_STAGES and (score["is_mql"] or near):
            expected[score["model_id"]].append(score)
    by_model: dict[str, list[dict]] = defaultdict(list)
    for row in listed:
        by_model[row["model_id"]].append(row)
    assert set(by_model) == set(expected) == {"default", "analytics_suite", "crm_platform"}
    for model_id, candidates in expected.items():
        candidates.sort(
            key=lambda s: (
                not s["is_mql"],
                -s["total_score"],
                s["last_activity_date"] is None,
                -(s["last_activity_date"] or date.min).toordinal(),
                s["lead_id"],
            )
        )
        got = by_model[model_id]
        assert [row["lead_id"] for row in got] == [s["lead_id"] for s in candidates[:size]], model_id
        assert [row["priority_rank"] for row in got] == list(range(1, len(got) + 1))
        # every MQL sales has not handled is on the list (the demo's lists are shorter than the size)
        open_mqls = {s["lead_id"] for s in candidates if s["is_mql"]}
        assert len(candidates) <= size
        assert open_mqls <= {row["lead_id"] for row in got}
        assert all(row["is_mql"] != row["is_near_mql"] for row in got)

    # the demo data exercises every branch: near-MQLs, and MQLs left out because sales has them
    assert any(row["is_near_mql"] for row in listed)
    at_sales = {(s["lead_id"], s["model_id"]) for s in scores if s["is_mql"] and s["stage_reached"] in SALES_STAGES}
    assert at_sales
    assert not at_sales & {(row["lead_id"], row["model_id"]) for row in listed}

    # reasons: the three biggest positive ledger rows, ties by rule_id
    positive: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for entry in ledger:
        if entry["final_points"] > 0:
            positive[(entry["lead_id"], entry["model_id"])].append(entry)
    for row in listed:
        top = sorted(positive[(row["lead_id"], row["model_id"])], key=lambda e: (-e["final_points"], e["rule_id"]))[:3]
        texts = [f"{e['rule_description']} ({e['evidence']}, +{points_text(e['final_points'])})" for e in top]
        texts += [None] * (3 - len(texts))
        assert [row["reason_1"], row["reason_2"], row["reason_3"]] == texts, row["lead_id"]
    assert all(row["reason_3"] is not None for row in listed)  # listed leads have many rules

    # change since the previous scored day, and the rules that changed today
    changed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for change in changes:
        changed[(change["lead_id"], change["model_id"])].add(change["rule_id"])
    for row in listed:
        key = (row["lead_id"], row["model_id"])
        previous = day_1.get(key)
        assert row["score_change_since_previous_day"] == (None if previous is None else row["total_score"] - previous)
        rules = set(row["changed_rules"].split(" | ")) if row["changed_rules"] else set()
        assert {rule.split(" (")[0] for rule in rules} == changed[key]
    assert any(row["changed_rules"] for row in listed)
    assert any(row["score_change_since_previous_day"] for row in listed)


def account_rollup(db: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """Per account and model, from fct_lead_scores and the history: the leads' totals, MQLs,
    leads at sql or beyond and leads that have been an MQL on some scored day."""
    ever_mql = {
        (lead_id, model_id)
        for lead_id, model_id in db.execute(
            "select distinct lead_id, model_id from fct_lead_score_history where is_mql"
        ).fetchall()
    }
    accounts: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"totals": [], "mqls": 0, "sqls": 0, "ever_mqls": 0, "ever_mqls_sql": 0}
    )
    for score in rows(db, "select * from fct_lead_scores where account_id is not null"):
        account = accounts[(score["account_id"], score["model_id"])]
        account["totals"].append(score["total_score"])
        account["mqls"] += score["is_mql"]
        reached_sql = score["stage_reached"] in REACHED_SQL
        account["sqls"] += reached_sql
        if (score["lead_id"], score["model_id"]) in ever_mql:
            account["ever_mqls"] += 1
            account["ever_mqls_sql"] += reached_sql
    return accounts


def grade(score: Decimal, bands: list[tuple[str, Decimal | None]]) -> str:
    """bands best first; the first whose minimum the score reaches, else the open band."""
    return next(label for label, minimum in bands if minimum is None or score >= minimum)


def test_account_scores_follow_the_account_scoring_seed(
    selected_build: Path, demo_landing: Path, project_copy: Path
) -> None:
    # default seeds: engaged contacts (total >= 100), graded A >= 3, B >= 2, C >= 1, else D
    database = score_days(selected_build, demo_landing, [DAY_2])
    with duckdb.connect(str(database), read_only=True) as db:
        expected = account_rollup(db)
        got = {(r["account_id"], r["model_id"]): r for r in rows(db, "select * from fct_account_scores")}
    assert set(got) == set(expected)
    default_bands = [("A", 3), ("B", 2), ("C", 1), ("D", None)]
    for key, account in expected.items():
        engaged = sum(total >= 100 for total in account["totals"])
        row = got[key]
        assert (row["account_score"], row["engaged_leads"], row["leads"]) == (
            engaged,
            engaged,
            len(account["totals"]),
        ), key
        assert row["account_grade"] == grade(Decimal(engaged), default_bands), key
        assert (row["mqls"], row["sqls_ever"]) == (account["mqls"], account["sqls"]), key
        rate = None
        if account["ever_mqls"]:
            rate = (Decimal(account["ever_mqls_sql"]) / account["ever_mqls"]).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        assert row["mql_to_sql_rate"] == rate, key
        assert row["as_of_date"] == DAY_2
    assert {row["account_grade"] for row in got.values()} == {"A", "B", "C", "D"}

    # every model sums its leads' totals, except crm_platform whose own row (max) beats 'all';
    # sum bands for 'all', score-scale bands of its own for crm_platform
    (project_copy / "seeds" / "account_scoring.csv").write_text(
        "model_id,method,engaged_threshold\nall,sum,100\ncrm_platform,max,120\n"
    )
    (project_copy / "seeds" / "account_grade_bands.csv").write_text(
        "model_id,grade,grade_rank,min_score\n"
        "all,A,1,400\nall,B,2,200\nall,C,3,100\nall,D,4,\n"
        "crm_platform,top,1,150\ncrm_platform,other,2,\n"
    )
    database = score_days(selected_build, demo_landing, [DAY_2], project_dir=project_copy)
    with duckdb.connect(str(database), read_only=True) as db:
        expected = account_rollup(db)
        got = {(r["account_id"], r["model_id"]): r for r in rows(db, "select * from fct_account_scores")}
    assert set(got) == set(expected)
    sum_bands = [("A", Decimal(400)), ("B", Decimal(200)), ("C", Decimal(100)), ("D", None)]
    crm_bands = [("top", Decimal(150)), ("other", None)]
    for (account_id, model_id), account in expected.items():
        row = got[(account_id, model_id)]
        if model_id == "crm_platform":
            assert row["account_score"] == max(account["totals"])
            assert row["engaged_leads"] == sum(total >= 120 for total in account["totals"])
            assert row["account_grade"] == grade(row["account_score"], crm_bands)
        else:
            assert row["account_score"] == sum(account["totals"]), (account_id, model_id)
            assert row["engaged_leads"] == sum(total >= 100 for total in account["totals"])
            assert row["account_grade"] == grade(row["account_score"], sum_bands)
    assert {row["account_grade"] for key, row in got.items() if key[1] != "crm_platform"} == {"A", "B", "C", "D"}
