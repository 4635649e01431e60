"""The daily Prefect flow: consecutive days, reruns, first-MQL dates and failed runs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import PUBLISHED_TABLES, make_settings, plant_rows, run_day
from leadscore.demo.demo_data import generate_demo_data

DAY_1 = date(2026, 5, 4)
DAY_2 = DAY_1 + timedelta(days=1)
DAY_3 = DAY_1 + timedelta(days=2)
SITE = "https://www.acme-analytics.example"

# Same profile for both: director (15) + finance (5) + France/europe (8) + partner (8) = fit 36,
# scored by the default model (MQL at 150 with fit >= 30). Created ten days before day 1, so no
# window or inactivity decay applies yet.
PROFILE = {
    "created_at": "2026-04-24 09:00:00",
    "job_title": "Finance Director",
    "seniority": "director",
    "department": "finance",
    "country": "France",
    "lead_source": "partner",
}
PLANTED_LEADS = [
    {**PROFILE, "lead_id": "Q_DAY1", "email": "q1@planted-co.example"},
    {**PROFILE, "lead_id": "Q_DAY2", "email": "q2@planted-co.example"},
    {**PROFILE, "lead_id": "Q_NEVER", "email": "q3@planted-co.example"},
]
PLANTED_EVENTS = [
    # Q_DAY1: pricing page 20 + demo request 60 + contact sales 50 before day 1: 36 + 130 = 166
    # from day 1 on (MQL at 150)
    {
        "event_id": "Q0",
        "lead_id": "Q_DAY1",
        "event_type": "page_view",
        "occurred_at": "2026-05-01 09:00:00",
        "page_url": f"{SITE}/pricing",
    },
    {"event_id": "Q1", "lead_id": "Q_DAY1", "event_type": "demo_request", "occurred_at": "2026-05-01 10:00:00"},
    {"event_id": "Q2", "lead_id": "Q_DAY1", "event_type": "contact_sales", "occurred_at": "2026-05-02 10:00:00"},
    # Q_DAY2: the same three events on day 2: 36 on day 1, 166 from day 2 on
    {"event_id": "Q3", "lead_id": "Q_DAY2", "event_type": "demo_request", "occurred_at": "2026-05-05 09:00:00"},
    {"event_id": "Q4", "lead_id": "Q_DAY2", "event_type": "contact_sales", "occurred_at": "2026-05-05 11:00:00"},
    {
        "event_id": "Q6",
        "lead_id": "Q_DAY2",
        "event_type": "page_view",
        "occurred_at": "2026-05-05 12:00:00",
        "page_url": f"{SITE}/pricing",
    },
    # Q_NEVER: one e-mail click: 36 + 15 = 51, never an MQL
    {"event_id": "Q5", "lead_id": "Q_NEVER", "event_type": "email_click", "occurred_at": "2026-05-03 10:00:00"},
]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    generate_demo_data(folder, leads=400, seed=11, end_date=DAY_3, file_format="csv", events_per_lead=20)
    plant_rows(folder, "leads", PLANTED_LEADS)
    plant_rows(folder, "events", PLANTED_EVENTS)
    return folder


def table_rows(database: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as db:
        return db.execute(query).fetchall()


def test_three_daily_runs_build_history_and_a_rerun_changes_nothing(
    prefect_harness: None, isolated_dbt: Path, landing: Path
) -> None:
    summaries = [run_day(isolated_dbt, landing, day) for day in (DAY_1, DAY_2, DAY_3)]
    database = make_settings(isolated_dbt, landing).duckdb_path

    assert [s.as_of for s in summaries] == [d.isoformat() for d in (DAY_1, DAY_2, DAY_3)]
    assert summaries[0].previous_day is None
    assert summaries[1].previous_day == DAY_1.isoformat()
    assert summaries[0].leads_scored <= summaries[2].leads_scored  # leads created later join later
    assert all(s.leads_scored > 300 for s in summaries)
    assert all(s.tests_passed > 100 for s in summaries)
    assert summaries[1].new_mqls >= 1  # Q_DAY2 at least

    days = table_rows(database, "select as_of_date, count(*) from fct_lead_score_history group by 1 order by 1")
    assert [day for day, _ in days] == [DAY_1, DAY_2, DAY_3]
    duplicates = table_rows(
        database,
        "select as_of_date, lead_id, model_id from fct_lead_score_history group by all having count(*) > 1",
    )
    assert duplicates == []

    first_mql = dict(
        table_rows(
            database,
            "select lead_id, first_mql_date from fct_lead_mql_dates where lead_id like 'Q_%' and model_id = 'default'",
        )
    )
    assert first_mql == {"Q_DAY1": DAY_1, "Q_DAY2": DAY_2, "Q_NEVER": None}

    # the change of Q_DAY2 on day 2 is explained rule by rule
    changes = table_rows(
        database,
        f"select rule_id, change_points, previous_total, total_score from fct_lead_score_changes "
        f"where lead_id = 'Q_DAY2' and as_of_date = '{DAY_2}' order by rule_id",
    )
    assert [(rule, float(points)) for rule, points, _, _ in changes] == [
        ("beh_contact_sales", 50.0),
        ("beh_demo_request", 60.0),
        ("beh_visit_pricing", 20.0),
    ]
    assert {(float(before), float(after)) for _, _, before, after in changes} == {(36.0, 166.0)}

    history_query = "select * from fct_lead_score_history order by all"
    points_query = "select * from fct_lead_score_points_history order by all"
    before = (table_rows(database, history_query), table_rows(database, points_query))
    run_day(isolated_dbt, landing, DAY_2)
    after = (table_rows(database, history_query), table_rows(database, points_query))
    assert after == before

    report = isolated_dbt / "reports" / DAY_3.isoformat() / "run_summary.md"
    assert "leads scored" in report.read_text()


def test_broken_seed_fails_the_run_names_the_row_and_publishes_nothing(
    prefect_harness: None, isolated_dbt: Path, landing: Path, project_copy: Path
) -> None:
    run_day(isolated_dbt, landing, DAY_1)
    published = {table: published_file_bytes(isolated_dbt, table) for table in PUBLISHED_TABLES}

    rules = project_copy / "seeds" / "grade_bands.csv"
    rules.write_text(rules.read_text().replace("default,fit,B,2,40", "default,fit,B,2,75"))
    with pytest.raises(Exception) as failure:
        run_day(isolated_dbt, landing, DAY_2, project_dir=project_copy)
    message = str(failure.value)
    assert "grade_bands" in message
    assert "min_score=75" in message or "75" in message

    assert {table: published_file_bytes(isolated_dbt, table) for table in PUBLISHED_TABLES} == published


def published_file_bytes(tmp_path: Path, table: str) -> str:
    return hashlib.sha256((tmp_path / "published" / table / "data.parquet").read_bytes()).hexdigest()


def test_a_locked_warehouse_is_retried_until_the_lock_is_released(
    prefect_harness: None, isolated_dbt: Path, landing: Path
) -> None:
    """Another process (a BI tool writing, a second job) holds the DuckDB file for a while: the
    run's first write (its row in the run ledger, before dbt builds) fails on the lock, waits
    with backoff and succeeds once the file is free, and so does the run."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    database = make_settings(isolated_dbt, landing).duckdb_path
    database.parent.mkdir(parents=True, exist_ok=True)
    hold_seconds = 30
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
            "time.sleep(float(sys.argv[2])); c.close()",
            str(database),
            str(hold_seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        summary = run_day(isolated_dbt, landing, DAY_1)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert summary.leads_scored > 300
    assert waited >= hold_seconds - 1  # nothing could be written before the holder let go

    ((run_id, status),) = table_rows(database, "select run_id, status from leadscore_runs")
    assert status == "succeeded"
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])))
    attempts = {task_run.name.rsplit("-", 1)[0]: task_run.run_count for task_run in task_runs}
    assert attempts["record run start"] > 1  # retried on the lock
    assert attempts["dbt build"] == 1
