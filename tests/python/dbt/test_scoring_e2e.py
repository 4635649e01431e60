"""Demo data -> dbt build -> the scores and the ledger, checked end to end on DuckDB."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings, plant_rows
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import build

END_DATE = date(2026, 6, 30)

# A lead planted into the demo data whose score is computed by hand below.
PLANTED_LEAD = {
    "lead_id": "P0000001",
    "email": "p1@planted-co.example",
    "first_name": "Pat",
    "last_name": "Planted",
    "created_at": "2026-01-01 09:00:00",
    "company_name": "Planted Co",
    "job_title": "Finance Director",
    "seniority": "director",
    "department": "finance",
    "country": "France",
    "lead_source": "partner",
}
SITE = "https://www.acme-analytics.example"
PLANTED_EVENTS = [
    {
        "event_id": "PE01",
        "event_type": "page_view",
        "occurred_at": "2026-03-02 10:00:00",
        "page_url": f"{SITE}/pricing",
        "duration_seconds": "300",
    },
    {
        "event_id": "PE02",
        "event_type": "page_view",
        "occurred_at": "2026-03-03 10:00:00",
        "page_url": f"{SITE}/pricing",
        "duration_seconds": "120",
    },
    {
        "event_id": "PE03",
        "event_type": "demo_request",
        "occurred_at": "2026-03-10 10:00:00",
        "page_url": f"{SITE}/demo",
    },
    {"event_id": "PE04", "event_type": "email_sent", "occurred_at": "2026-03-15 08:00:00", "campaign": "newsletter"},
    {"event_id": "PE05", "event_type": "email_sent", "occurred_at": "2026-03-15 08:00:00", "campaign": "promo"},
    {"event_id": "PE06", "event_type": "email_sent", "occurred_at": "2026-03-15 08:00:00", "campaign": "launch"},
    {"event_id": "PE07", "event_type": "email_open", "occurred_at": "2026-03-16 08:00:00", "campaign": "newsletter"},
    {
        "event_id": "PE08",
        "event_type": "webinar_attendance",
        "occurred_at": "2026-04-28 16:00:00",
        "content": "Spring webinar",
    },
]


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate_demo_data(landing, leads=1500, seed=7, end_date=END_DATE, file_format="csv", events_per_lead=30)
    plant_rows(landing, "leads", [PLANTED_LEAD])
    plant_rows(landing, "events", [{**event, "lead_id": "P0000001"} for event in PLANTED_EVENTS])
    return landing


def scored(tmp_path: Path, landing: Path, as_of: date) -> duckdb.DuckDBPyConnection:
    settings = make_settings(tmp_path, landing)
    build(settings, as_of)
    return duckdb.connect(str(settings.duckdb_path), read_only=True)


def test_full_build_scores_every_lead_and_ledger_reconciles(isolated_dbt: Path, demo_landing: Path) -> None:
    settings = make_settings(isolated_dbt, demo_landing)
    result = build(settings, END_DATE)
    # every data test of the project ran (seed phase + model phase), no unit test did
    manifest = json.loads((isolated_dbt / "dbt_target" / "manifest.json").read_text())
    data_tests = {node_id for node_id in manifest["nodes"] if node_id.startswith("test.")}
    ran = {outcome.unique_id for outcome in result.outcomes}
    assert data_tests and data_tests <= ran, sorted(data_tests - ran)
    assert not {node_id for node_id in ran if node_id.startswith("unit_test.")}

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        leads = db.execute("select count(*) from int_leads_enriched").fetchone()[0]
        scored_leads = db.execute("select count(distinct lead_id) from fct_lead_scores").fetchone()[0]
        assert leads == 1501
        assert scored_leads == leads

        mismatches = db.execute(
            """
            select scores.lead_id, scores.model_id, scores.total_score, coalesce(sum(points.final_points), 0)
            from fct_lead_scores as scores
            left join fct_lead_score_points as points
                on scores.lead_id = points.lead_id and scores.model_id = points.model_id
            group by all
            having scores.total_score <> coalesce(sum(points.final_points), 0)
            """
        ).fetchall()
        assert mismatches == []

        components = db.execute(
            "select count(*) from fct_lead_scores "
            "where total_score <> fit_score + behaviour_score + negative_score + decay_score"
        ).fetchone()[0]
        assert components == 0

        # every model scored someone, grades and MQL flags are consistent with the thresholds
        per_model = dict(db.execute("select model_id, count(*) from fct_lead_scores group by 1").fetchall())
        assert set(per_model) == {"default", "analytics_suite", "crm_platform"}
        wrong_mql = db.execute(
            """
            select count(*)
            from fct_lead_scores as scores
            inner join scoring_models as models on scores.model_id = models.model_id
            where scores.is_mql <> (
                scores.total_score >= models.mql_threshold and scores.fit_score >= models.mql_min_fit_score
            )
            """
        ).fetchone()[0]
        assert wrong_mql == 0
        assert db.execute("select count(*) from fct_lead_scores where is_mql").fetchone()[0] > 0
        assert db.execute("select count(*) from fct_lead_scores where not is_mql").fetchone()[0] > 0

        # a cap holds: the 50-point cap on pricing visits is never exceeded
        assert db.execute(
            "select max(final_points) from fct_lead_score_points where rule_id = 'beh_visit_pricing'"
        ).fetchone()[0] <= Decimal("50")


def test_scores_follow_fit_and_engagement_in_demo_data(isolated_dbt: Path, demo_landing: Path) -> None:
    """The demo's outcomes depend on fit and intent, so leads that reached sql score higher."""
    with scored(isolated_dbt, demo_landing, END_DATE) as db:
        converted, others = db.execute(
            """
            select
                avg(total_score) filter (where stage_reached in ('sql', 'opportunity', 'won', 'lost')),
                avg(total_score) filter (where stage_reached in ('lead', 'rejected'))
            from fct_lead_scores
            """
        ).fetchone()
    assert converted > others


@pytest.mark.parametrize(
    ("as_of", "expected_total", "expected_rules"),
    [
        (
            date(2026, 3, 31),
            # fit 15 director + 5 finance + 8 europe (France by name) + 8 partner = 36
            # behaviour: pricing 20 + 10 = 30, demo request 60, one open 5, 7 minutes on site 7,
            #   2 active days (1 free) x 3 = 3  -> 105
            # decay: 3 sent - 1 opened = 2 x -5 = -10; no social in 30 days -8 -> -18
            Decimal("123"),
            {
                "fit_seniority_director": 15,
                "fit_department_finance": 5,
                "fit_region_europe": 8,
                "fit_source_partner": 8,
                "beh_visit_pricing": 30,
                "beh_demo_request": 60,
                "beh_email_open": 5,
                "eng_site_minutes": 7,
                "eng_returning_days": 3,
                "decay_unopened_emails_60d": -10,
                "decay_no_social_30d": -8,
            },
        ),
        (
            END_DATE,
            # fit 36; behaviour 30 + 60 + 5 + webinar 30 = 125 (no visit in the last 30 days);
            # last engagement 2026-04-28, 63 days before: negative inactivity -15, decay 2 x -10;
            # no web visit in 45 days -15; no social -8.
            Decimal("103"),
            {
                "fit_seniority_director": 15,
                "fit_department_finance": 5,
                "fit_region_europe": 8,
                "fit_source_partner": 8,
                "beh_visit_pricing": 30,
                "beh_demo_request": 60,
                "beh_email_open": 5,
                "beh_webinar_attendance": 30,
                "neg_inactive_60d": -15,
                "decay_inactivity_30d": -20,
                "decay_no_web_visit_45d": -15,
                "decay_no_social_30d": -8,
            },
        ),
    ],
)
def test_planted_lead_scores_as_computed_by_hand(
    isolated_dbt: Path, demo_landing: Path, as_of: date, expected_total: Decimal, expected_rules: dict
) -> None:
    with scored(isolated_dbt, demo_landing, as_of) as db:
        total, model_id, as_of_date = db.execute(
            "select total_score, model_id, as_of_date from fct_lead_scores where lead_id = 'P0000001'"
        ).fetchone()
        rules = dict(
            db.execute("select rule_id, final_points from fct_lead_score_points where lead_id = 'P0000001'").fetchall()
        )
    assert model_id == "default"
    assert as_of_date == as_of
    assert rules == {rule: Decimal(points) for rule, points in expected_rules.items()}
    assert total == expected_total
