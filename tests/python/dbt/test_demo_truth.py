"""The demo tells the truth: its outcomes follow the drivers demo_truth.json names, over the
conversion window the reports use, and the shipped seeds rank its leads well.

demo_truth.json's window effects are recomputed here from the landing files alone (plain SQL
over leads, accounts, events and lifecycle, with this file's own reading of the page categories),
then checked against the planted drivers. One dbt build of the scores as of a day 90 days before
the data's end judges the shipped seeds against what happened next, as the calibration report
does."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import groupby
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import dbt_vars, run_dbt

END = date(2026, 6, 30)
LEADS = 2000
WINDOW_DAYS = 90  # report_settings.conversion_window_days
SCORED_DAY = END - timedelta(days=WINDOW_DAYS)  # the last day whose whole window is in the data
SQL_OR_LATER = ("sql", "opportunity", "won", "lost")
SITE = "https://www.acme-analytics.example"

# Each event type and page category the truth measures, read from the files by event type and
# the page_categories seed's URL patterns.
PAGE = "event_type = 'page_view' and page_url like "
FEATURES = {
    "demo_request": "event_type = 'demo_request'",
    "contact_sales": "event_type = 'contact_sales'",
    "content_download": "event_type = 'content_download'",
    "form_submission": "event_type = 'form_submission'",
    "webinar_registration": "event_type = 'webinar_registration'",
    "webinar_attendance": "event_type = 'webinar_attendance'",
    "pricing": PAGE + "'%/pricing%'",
    "demo": PAGE + "'%/demo%'",
    "contact": PAGE + "'%/contact%'",
    "case_study": PAGE + "'%/customers/%'",
    "product": f"({PAGE}'%/product/%' or {PAGE}'%/features/%' or {PAGE}'%/integrations/%')",
    "careers": PAGE + "'%/careers%'",
    "blog": PAGE + "'%/blog/%'",
    "docs": PAGE + "'%/docs/%'",
    "investor_relations": PAGE + "'%/investors%'",
    "home_and_about": f"event_type = 'page_view' and page_url in ('{SITE}/', '{SITE}/about')",
    "social_engagement": "event_type = 'social_engagement'",
    "email_open": "event_type = 'email_open'",
    "email_click": "event_type = 'email_click'",
    "email_bounce": "event_type = 'email_bounce'",
    "unsubscribe": "event_type = 'unsubscribe'",
}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo_truth") / "landing"
    generate_demo_data(folder, LEADS, seed=42, end_date=END)
    return folder


@pytest.fixture(scope="module")
def truth(landing: Path) -> dict:
    return json.loads((landing / "demo_truth.json").read_text())


def _files(landing: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in ("leads", "accounts", "events", "lifecycle"):
        con.execute(f"create view {table} as select * from '{landing / f'{table}.parquet'}'")
    return con


def _odds_ratio(with_n: int, with_c: int, without_n: int, without_c: int) -> float | None:
    cells = (with_c, with_n - with_c, without_c, without_n - without_c)
    return round(cells[0] * cells[3] / (cells[1] * cells[2]), 3) if all(cells) else None


def test_window_effects_are_what_the_files_hold(landing: Path, truth: dict) -> None:
    effects = truth["window_effects"]
    assert effects["conversion_window_days"] == WINDOW_DAYS
    start = date.fromisoformat(truth["window_start"])
    days = [start + timedelta(days=30 * k) for k in range(1, 13) if start + timedelta(days=30 * k) <= SCORED_DAY]
    assert effects["observation_days"] == [day.isoformat() for day in days]
    assert len(days) == 9

    con = _files(landing)
    day_ends = ", ".join(f"(timestamp '{day + timedelta(days=1)}')" for day in days)
    personal = ", ".join(f"'{domain}'" for domain in truth["personal_domains"])
    competitor = ", ".join(f"'{domain}'" for domain in truth["competitor_domains"])
    firsts = ", ".join(f"min(occurred_at) filter (where {condition}) as {name}" for name, condition in FEATURES.items())
    con.execute(f"""
        create table observations as
        with days as (select * from (values {day_ends}) v(day_end)),
        reached as (
            select lead_id, min(entered_at) as sql_at from lifecycle
            where stage in {SQL_OR_LATER} group by lead_id
        ),
        firsts as (select lead_id, {firsts} from events group by lead_id)
        select
            coalesce(reached.sql_at < days.day_end + interval {WINDOW_DAYS} day, false) as converted,
            leads.seniority,
            coalesce(accounts.industry, 'no account') as industry,
            coalesce(accounts.business_model, 'no account') as business_model,
            case
                when accounts.employee_count is null then 'no account'
                when accounts.employee_count < 10 then '1-9'
                when accounts.employee_count < 50 then '10-49'
                when accounts.employee_count < 200 then '50-199'
                when accounts.employee_count < 1000 then '200-999'
                when accounts.employee_count < 5000 then '1000-4999'
                else '5000+'
            end as company_size,
            case
                when split_part(leads.email, '@', 2) in ({personal}) then 'personal'
                when split_part(leads.email, '@', 2) in ({competitor}) then 'competitor'
                else 'business'
            end as email_domain,
            {", ".join(f"coalesce(firsts.{name} < days.day_end, false) as {name}" for name in FEATURES)}
        from leads
        cross join days
        left join accounts using (account_id)
        left join reached using (lead_id)
        left join firsts using (lead_id)
        where leads.created_at < days.day_end
            and (reached.sql_at is null or reached.sql_at >= days.day_end)
    """)
    total, converted = con.execute("select count(*), count(*) filter (where converted) from observations").fetchone()
    assert (effects["observations"], effects["conversions"]) == (total, converted)
    assert effects["base_rate"] == round(converted / total, 4)
    assert 0.03 < converted / total < 0.10

    assert set(effects["events"]) == set(FEATURES)
    for name in FEATURES:
        with_n, with_c = con.execute(
            f"select count(*) filter (where {name}), count(*) filter (where {name} and converted) from observations"
        ).fetchone()
        found = effects["events"][name]
        assert (found["with"]["observations"], found["with"]["conversions"]) == (with_n, with_c), name
        assert (found["without"]["observations"], found["without"]["conversions"]) == (
            total - with_n,
            converted - with_c,
        ), name
        assert found["odds_ratio"] == _odds_ratio(with_n, with_c, total - with_n, converted - with_c), name

    for attribute, values in effects["fit"].items():
        rows = con.execute(
            f"select {attribute}, count(*), count(*) filter (where converted) from observations group by 1"
        ).fetchall()
        assert {value: (found["observations"], found["conversions"]) for value, found in values.items()} == {
            value: (n, c) for value, n, c in rows
        }, attribute


def test_conversion_follows_the_planted_drivers(truth: dict) -> None:
    events = {name: found["odds_ratio"] for name, found in truth["window_effects"]["events"].items()}
    drivers = {d["name"]: d for d in truth["drivers"]}
    noise = {n["name"] for n in truth["noise"]}

    # every planted behaviour raises the odds of sql within the window; the strong ones most
    behaviour = [n for n, d in drivers.items() if d["kind"] in ("event_type", "page_category") and d["sign"] > 0]
    assert set(behaviour) == {
        "demo_request",
        "contact_sales",
        "demo",
        "contact",
        "content_download",
        "form_submission",
        "webinar_registration",
        "webinar_attendance",
        "pricing",
        "product",
        "case_study",
    }
    strong = [n for n in behaviour if drivers[n]["strength"] == "strong"]
    assert {"demo_request", "content_download", "webinar_registration"} <= set(strong)
    for name in ("demo_request", "content_download", "webinar_registration", "webinar_attendance"):
        assert events[name] > 3, (name, events[name])
    assert events["pricing"] > 1.5
    assert events["product"] > 1.3 and events["case_study"] > 1.3
    # the planted log-odds order the drivers: a first download counts more than a pricing view,
    # which counts more than a product page, in the truth and in the data
    first = {name: drivers[name]["log_odds_first"] for name in ("content_download", "pricing", "product")}
    assert first["content_download"] > first["pricing"] > first["product"]
    assert events["content_download"] > events["pricing"] > 1

    # job seekers never convert; noise moves the odds far less than any strong driver
    assert drivers["careers"]["sign"] < 0 and events["careers"] < 0.5
    measured_noise = [name for name in noise if name in events]
    assert set(measured_noise) == {
        "blog",
        "social_engagement",
        "email_open",
        "email_click",
        "email_bounce",
        "unsubscribe",
        "docs",
        "investor_relations",
        "home_and_about",
    }
    for name in measured_noise:
        assert 0.15 < events[name] < 2, (name, events[name])
    for name in ("social_engagement", "email_open", "email_click", "home_and_about", "investor_relations", "docs"):
        assert 0.67 < events[name] < 1.5, (name, events[name])
    assert max(events[name] for name in measured_noise) < min(events[name] for name in strong)

    # fit: the planted weights order the conversion rates
    fit = {
        attribute: {value: found["rate"] for value, found in values.items()}
        for attribute, values in truth["window_effects"]["fit"].items()
    }
    seniority = drivers["seniority"]["log_odds"]
    assert seniority["executive"] > seniority["individual_contributor"] > seniority["student"]
    for senior in ("executive", "vp"):
        assert fit["seniority"][senior] > fit["seniority"]["individual_contributor"] > fit["seniority"]["student"]
    assert fit["seniority"]["student"] < 0.01
    assert fit["business_model"]["b2b"] > fit["business_model"]["b2c"]
    assert fit["email_domain"]["business"] > 2 * fit["email_domain"]["personal"]
    assert fit["email_domain"]["competitor"] <= fit["email_domain"]["personal"]
    # and the truth says how strong they are
    model = truth["conversion_model"]["sql"]
    assert {d["driver"] for d in model["drivers"]} == {"hand_raise", "content", "webinar", "pricing", "product"}
    assert all(d["odds_ratio_first"] > 1 for d in model["drivers"])
    assert truth["how_outcomes_are_drawn"]


# ---------------------------------------------------------------------------------------------
# The shipped seeds against what happened next


@pytest.fixture(scope="module")
def scores(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """(model_id, total_score, mql_threshold, converted) of every lead not yet at sql on
    SCORED_DAY: scored by the shipped seeds as of that day, converted when it reached sql or a
    later stage within the 90 days after it."""
    folder = tmp_path_factory.mktemp("demo_truth_build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(folder / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(folder / "dbt_logs"))
        settings = make_settings(folder, landing)
        settings.duckdb_path.parent.mkdir(parents=True)
        # the seeds and the models up to the scores; their data tests belong to other tests
        built = run_dbt(
            settings,
            [
                "build",
                "--vars",
                dbt_vars(SCORED_DAY),
                "--select",
                "+int_leads_scored",
                "--exclude",
                "resource_type:test",
                "resource_type:unit_test",
            ],
        )
        assert built.success, built
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        scored = db.execute("select lead_id, model_id, total_score, mql_threshold from int_leads_scored").fetchall()
    with duckdb.connect() as db:
        reached: dict[str, datetime] = dict(
            db.execute(
                f"select lead_id, min(entered_at) from '{landing / 'lifecycle.parquet'}' "
                f"where stage in {SQL_OR_LATER} group by lead_id"
            ).fetchall()
        )
    window_start = datetime.combine(SCORED_DAY + timedelta(days=1), datetime.min.time())
    window_end = window_start + timedelta(days=WINDOW_DAYS)
    return [
        (model_id, float(total), float(threshold), lead_id in reached and reached[lead_id] < window_end)
        for lead_id, model_id, total, threshold in scored
        if lead_id not in reached or reached[lead_id] >= window_start
    ]


def roc_auc(rows: list[tuple[float, bool]]) -> float:
    """The chance that a converter outscores a non-converter (ties count half)."""
    rank_sum, position = 0.0, 0
    for _, group in groupby(sorted(rows), key=lambda row: row[0]):
        tied = [converted for _, converted in group]
        rank_sum += (position + (len(tied) + 1) / 2) * sum(tied)  # the tied rows' mean rank
        position += len(tied)
    positives = sum(1 for _, converted in rows if converted)
    negatives = len(rows) - positives
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def test_roc_auc_counts_ties_as_half() -> None:
    assert roc_auc([(1, False), (2, True)]) == 1.0
    assert roc_auc([(1, True), (2, False)]) == 0.0
    assert roc_auc([(1, True), (1, False)]) == 0.5
    assert roc_auc([(1, False), (2, True), (2, False), (3, True)]) == 0.875


def test_shipped_seeds_rank_the_demo_leads_well_above_chance(scores: list[tuple]) -> None:
    conversions = sum(row[3] for row in scores)
    assert len(scores) > 1000 and conversions > 40
    auc = roc_auc([(total, converted) for _, total, _, converted in scores])
    by_model: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for model_id, total, _, converted in scores:
        by_model[model_id].append((total, converted))
    model_auc = {model_id: round(roc_auc(rows), 3) for model_id, rows in by_model.items()}
    print(f"ROC AUC of total_score on {SCORED_DAY}: {auc:.3f}; by model {model_auc}")
    assert auc > 0.75
    assert all(value > 0.7 for value in model_auc.values()), model_auc


def test_the_best_threshold_sits_near_the_shipped_one(scores: list[tuple]) -> None:
    base_rate = sum(row[3] for row in scores) / len(scores)
    mqls = [converted for _, total, threshold, converted in scores if total >= threshold]
    conversions = sum(row[3] for row in scores)
    precision, recall = sum(mqls) / len(mqls), sum(mqls) / conversions
    # the shipped thresholds catch a good share of the next 90 days' sqls at several times the base rate
    assert recall > 0.3 and precision > 3 * base_rate, (recall, precision, base_rate)

    # the best F1 over thresholds moved in steps of 5 from each model's shipped one
    def f1(offset: int) -> float:
        passing = [converted for _, total, threshold, converted in scores if total >= threshold + offset]
        return 2 * sum(passing) / (len(passing) + conversions)

    best = max(range(-100, 105, 5), key=lambda offset: (f1(offset), offset))
    print(
        f"shipped thresholds: recall {recall:.3f}, precision {precision:.3f} (base rate {base_rate:.3f}); "
        f"best F1 {f1(best):.3f} at the shipped threshold {best:+d}"
    )
    assert -30 <= best <= 40
    assert f1(0) > 0.85 * f1(best)
