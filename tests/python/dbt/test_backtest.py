"""Backtest: metrics known by hand, a hand-made history scored with two seed sets, the CLI's
usage errors, a bad candidate weight, and `leadscore run --seeds`."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from conftest import PROJECT_DIR, make_settings, plant_rows, write_csv
from leadscore.demo.demo_data import generate_demo_data
from leadscore.evaluation.backtest import (
    DbtProject,
    Observation,
    SeedSetRun,
    _vars,
    history_plan,
    observation_days,
    run_backtest,
    score_metrics,
    score_seed_set,
    top_decile_lift,
)

LEADSCORE = Path(sys.executable).parent / "leadscore"
DAY = date(2026, 3, 1)
OUTCOMES_KNOWN = date(2026, 6, 30)


def leadscore(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LEADSCORE), *args], capture_output=True, text=True, timeout=600, env=os.environ.copy())


def seeds_digest(project: Path = PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted((project / "seeds").iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_metrics_of_a_hand_made_ranking() -> None:
    # scores 4 (converted) > 3 > 2 (converted) > 1: of the 4 converted/not pairs 3 are ordered
    # right -> ROC AUC 3/4; precision 1/1 at recall 1/2 and 2/3 at recall 1 -> PR AUC 5/6
    rows = [
        Observation("m", "A", DAY, 4, True, True),
        Observation("m", "B", DAY, 3, True, False),
        Observation("m", "C", DAY, 2, False, True),
        Observation("m", "D", DAY, 1, False, False),
    ]
    metrics = score_metrics(rows)
    assert metrics == {
        "observations": 4,
        "conversions": 2,
        "roc_auc": 0.75,
        "pr_auc": round(5 / 6, 4),
        "top_decile_lift": 2.0,  # the top 10% (1 of 4) converted: 100% over a 50% base rate
        "mqls": 2,
        "mql_to_sql_rate": 0.5,
    }
    # equal scores rank no better than chance
    assert (
        score_metrics([Observation("m", "A", DAY, 5, False, True), Observation("m", "B", DAY, 5, False, False)])[
            "roc_auc"
        ]
        == 0.5
    )
    assert top_decile_lift([1.0, 2.0], [False, False]) is None


def test_observation_days_end_where_the_window_is_known() -> None:
    days = observation_days(date(2026, 1, 1), date(2026, 6, 30), 30, OUTCOMES_KNOWN, 90)
    assert days[0] == date(2026, 1, 1) and days[-1] == date(2026, 4, 1)  # 90 days before the outcome day
    assert all(later > earlier for earlier, later in zip(days, days[1:]))


def _hand_made_history(landing: Path) -> None:
    """Five leads alike but for seniority (no events): their live scores differ by the fit
    points of their seniority only. E1 and S4 reach sql inside the 90-day window after DAY, V3
    after it, and I5 was already at sql on DAY (so it is no observation)."""
    write_csv(
        landing / "leads.csv",
        "lead_id,email,created_at,seniority,department,country,lead_source",
        [
            f"{lead},{lead.lower()}@acme.example,2026-01-05 10:00:00,{seniority},marketing,DE,"
            for lead, seniority in [
                ("E1", "executive"),
                ("M2", "manager"),
                ("V3", "vp"),
                ("S4", "student"),
                ("I5", "individual_contributor"),
            ]
        ],
    )
    write_csv(
        landing / "lifecycle.csv",
        "lead_id,stage,entered_at,reason",
        [
            "E1,sql,2026-03-15 09:00:00,",
            "S4,sql,2026-04-01 09:00:00,",
            "V3,sql,2026-06-15 09:00:00,",
            "I5,sql,2026-02-01 09:00:00,",
        ],
    )


def test_backtest_of_a_hand_made_history(isolated_dbt: Path, project_copy: Path) -> None:
    landing = isolated_dbt / "landing"
    _hand_made_history(landing)
    candidate = isolated_dbt / "candidate"
    write_csv(
        candidate / "fit_rules.csv",
        "rule_id,model_id,attribute,match_type,match_value,min_value,max_value,points,description",
        [
            "fit_exec,all,seniority,equals,executive,,,40,Executives",
            "fit_student,all,seniority,equals,student,,,50,Students",
        ],
    )
    before = seeds_digest(project_copy)
    settings = make_settings(isolated_dbt, landing, project_dir=project_copy)
    result = run_backtest(settings, candidate, history_plan([DAY], OUTCOMES_KNOWN, 90), isolated_dbt / "out").result

    # live: executive 20 (converted) > vp 18 > manager 10 > student -30 (converted): 2 of 4 pairs
    # right -> ROC AUC 0.5; precision 1 at recall 1/2, 2/4 at recall 1 -> PR AUC 0.75.
    # candidate: student 50 and executive 40 above both others -> 1.0 and 1.0
    assert result.metric("live", "observations") == 4  # I5 was already at sql
    assert result.metric("live", "conversions") == 2  # V3 reached sql after the window
    assert (result.metric("live", "roc_auc"), result.metric("live", "pr_auc")) == (0.5, 0.75)
    assert (result.metric("candidate", "roc_auc"), result.metric("candidate", "pr_auc")) == (1.0, 1.0)

    with (result.folder / "comparison.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["scope"], r["seed_set"], r["roc_auc"]) for r in rows] == [
        ("all", "live", "0.5"),
        ("all", "candidate", "1.0"),
        ("default", "live", "0.5"),
        ("default", "candidate", "1.0"),
    ]
    assert (result.folder / "mql_flips.csv").read_text().startswith("lead_id,model_id,observed_on,")
    page = (result.folder / "backtest.html").read_text()
    assert 'data-section="backtest"' in page and "ROC AUC" in page
    # the backtest scored into its own files: no warehouse, live seeds untouched, no overlay left
    assert not settings.duckdb_path.exists()
    assert seeds_digest(project_copy) == before
    assert not any((project_copy / "seed_overlays").iterdir())


def test_backtest_usage_errors_exit_2(cli_env: Path) -> None:
    missing = leadscore("backtest", "--candidate", str(cli_env / "nowhere"), "--as-of", "2026-06-30")
    assert missing.returncode == 2
    assert "neither a folder nor a git revision" in missing.stdout + missing.stderr

    unknown = cli_env / "unknown"
    write_csv(unknown / "fit_rule.csv", "rule_id", ["x"])
    result = leadscore("backtest", "--candidate", str(unknown), "--as-of", "2026-06-30")
    assert result.returncode == 2
    assert "fit_rule.csv, which is no seed" in result.stdout + result.stderr

    good = cli_env / "good"
    write_csv(good / "scoring_models.csv", "model_id", ["x"])
    # the landed events stop on 2026-03-29, long before --as-of: an export, observed on that day
    too_late = leadscore("backtest", "--candidate", str(good), "--start", "2026-05-01", "--as-of", "2026-06-30")
    assert too_late.returncode == 2
    output = too_late.stdout + too_late.stderr
    assert "--start 2026-05-01 is after the last day of the landed data (2026-03-29)" in output
    # read as a daily history, no day after 2026-04-01 can be judged by 2026-06-30
    as_history = leadscore(
        "backtest", "--candidate", str(good), "--start", "2026-05-01", "--as-of", "2026-06-30", "--shape", "history"
    )
    assert as_history.returncode == 2
    assert "the last day that can be judged is 2026-04-01" in as_history.stdout + as_history.stderr
    assert "move --start to 2026-04-01 or earlier" in as_history.stdout + as_history.stderr

    live = leadscore("suggest-weights", "--out", str(PROJECT_DIR / "seeds"), "--as-of", "2026-06-30")
    assert live.returncode == 2
    assert "never changes the live seeds" in live.stdout + live.stderr


def test_a_bad_candidate_weight_fails_its_seed_test(cli_env: Path) -> None:
    bad = cli_env / "bad"
    write_csv(
        bad / "behaviour_rules.csv",
        "rule_id,model_id,event_type,page_category,journey_stage,points,repeat_points,max_points,description",
        ["beh_demo,all,demo_request,*,decision,-60,10,80,Negative points in a behaviour rule"],
    )
    result = leadscore("backtest", "--candidate", str(bad), "--start", "2026-03-01", "--as-of", "2026-06-30")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "seeds of candidate failed" in output
    assert "not_negative_behaviour_rules_points" in output
    assert "Traceback" not in output


def test_run_with_another_seed_folder(cli_env: Path) -> None:
    candidate = cli_env / "candidate"
    write_csv(
        candidate / "fit_rules.csv",
        "rule_id,model_id,attribute,match_type,match_value,min_value,max_value,points,description",
        ["fit_vp,all,seniority,equals,vp,,,99,Vice presidents only"],
    )
    result = leadscore("run", "--as-of", "2026-03-31", "--seeds", str(candidate))
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(cli_env / "warehouse" / "leadscore.duckdb"), read_only=True) as db:
        fit = dict(db.execute("select lead_id, fit_score from fct_lead_scores").fetchall())
        rules = {
            row[0] for row in db.execute("select rule_id from fct_lead_score_points where component = 'fit'").fetchall()
        }
    assert fit == {"L1": 99, "L2": 0}
    assert rules == {"fit_vp"}

    missing = leadscore("run", "--as-of", "2026-03-31", "--seeds", str(cli_env / "nowhere"))
    assert missing.returncode == 2
    assert "neither a folder nor a git revision" in missing.stdout + missing.stderr


def test_candidate_from_a_git_revision(tmp_path: Path) -> None:
    from leadscore.running.seedsets import candidate_csvs, write_overlay

    revision = "HEAD"
    files = candidate_csvs(PROJECT_DIR, revision)
    committed = subprocess.run(
        ["git", "show", f"{revision}:seeds/fit_rules.csv"], cwd=PROJECT_DIR, capture_output=True, check=True
    ).stdout
    assert files["fit_rules.csv"] == committed
    overlay = write_overlay(PROJECT_DIR, revision, tmp_path / "seeds")
    assert (overlay / "_seeds.yml").exists() and (overlay / "fit_rules.csv").read_bytes() == committed


def test_a_replay_scores_each_day_as_a_build_for_that_day_alone(isolated_dbt: Path) -> None:
    """A backtest checks the landed events once, for its last day, then scores each day from them
    (replay_models): every day's scores equal those of a build of +fct_lead_score_history for that
    day alone, also with an event exported twice whose later copy wins."""
    landing = isolated_dbt / "landing"
    generate_demo_data(landing, leads=150, seed=5, end_date=date(2026, 3, 31), file_format="csv", history_days=60)
    with (landing / "events.csv").open(newline="") as handle:
        first = next(csv.DictReader(handle))
    with (landing / "leads.csv").open(newline="") as handle:
        smallest_lead = min(row["lead_id"] for row in csv.DictReader(handle))
    # a copy dated after the first scored day, of a lead that sorts first: it wins (event_copy_order)
    plant_rows(landing, "events", [{**first, "lead_id": smallest_lead, "occurred_at": "2026-03-20 10:00:00"}])
    settings = make_settings(isolated_dbt, landing)
    days = [date(2026, 3, 10), date(2026, 3, 24)]
    replayed = score_seed_set(
        settings, "replay", None, isolated_dbt / "work", days, date(2026, 3, 31), test_seeds=False
    )

    with DbtProject(settings, isolated_dbt / "alone") as project:
        for day in days:
            alone = SeedSetRun(project, f"day_{day:%d}", None)
            alone.load(test=False)
            once, daily = project.replay_models()
            assert "int_events_validated" in once and "int_lead_daily_activity" in daily
            assert "quarantine_events" not in once + daily
            alone._dbt(["run", "--vars", _vars(day), "--select", "+fct_lead_score_history"], f"building {day}")
            with duckdb.connect() as con:
                con.execute(f"attach '{replayed}' as replay (read_only)")
                con.execute(f"attach '{alone.database}' as alone (read_only)")
                a = f"select * from replay.main.fct_lead_score_history where as_of_date = '{day}'"
                b = f"select * from alone.main.fct_lead_score_history where as_of_date = '{day}'"
                assert con.execute(f"select count(*) from ({b})").fetchone()[0] > 100
                differing = con.execute(
                    f"select (select count(*) from ({a} except all {b})) + (select count(*) from ({b} except all {a}))"
                ).fetchone()[0]
                assert differing == 0, f"{day}: {differing} rows differ"
