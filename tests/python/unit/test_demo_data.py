"""Tests of the demo data generator: determinism, source contract, rhythm and planted truth."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from leadscore.demo.demo_data import generate_demo_data

END = date(2025, 6, 30)
TABLES = ("leads", "accounts", "events", "lifecycle")
COLUMNS = {
    "leads": [
        "lead_id",
        "email",
        "first_name",
        "last_name",
        "created_at",
        "account_id",
        "company_name",
        "job_title",
        "seniority",
        "department",
        "country",
        "lead_source",
        "product_interest",
        "budget",
        "purchase_timeline",
        "stated_need",
    ],
    "accounts": [
        "account_id",
        "name",
        "domain",
        "industry",
        "employee_count",
        "annual_revenue",
        "country",
        "business_model",
    ],
    "events": [
        "event_id",
        "lead_id",
        "event_type",
        "occurred_at",
        "page_url",
        "duration_seconds",
        "campaign",
        "content",
        "device",
    ],
    "lifecycle": ["lead_id", "stage", "entered_at", "reason"],
}
EVENT_TYPES = {
    "page_view",
    "email_sent",
    "email_open",
    "email_click",
    "content_download",
    "webinar_registration",
    "webinar_attendance",
    "social_engagement",
    "form_submission",
    "demo_request",
    "contact_sales",
    "unsubscribe",
    "email_bounce",
}
EMAIL_EVENTS = ("email_sent", "email_open", "email_click", "unsubscribe", "email_bounce")
PAGE_EVENTS = ("page_view", "content_download", "form_submission", "demo_request", "contact_sales")


def _generate(out: Path, leads: int = 2000, **kwargs: object) -> dict[str, int]:
    return generate_demo_data(out, leads, end_date=END, **kwargs)  # type: ignore[arg-type]


def _connect(out: Path, file_format: str = "parquet") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES:
        path = out / f"{table}.{file_format}"
        reader = f"read_csv('{path}', all_varchar = true)" if file_format == "csv" else f"'{path}'"
        con.execute(f"create view {table} as select * from {reader}")
    return con


def _arrow(out: Path, table: str) -> pa.Table:
    return duckdb.connect().sql(f"select * from '{out / f'{table}.parquet'}'").to_arrow_table()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_same_arguments_give_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert _generate(first) == _generate(second)
    _generate(other, seed=7)

    for table in TABLES:
        assert _arrow(first, table).equals(_arrow(second, table)), table
        assert (first / f"{table}.parquet").read_bytes() == (second / f"{table}.parquet").read_bytes()
    assert (first / "demo_truth.json").read_text() == (second / "demo_truth.json").read_text()
    for table in ("leads", "accounts", "events"):
        assert not _arrow(first, table).equals(_arrow(other, table)), table


def test_files_follow_the_source_contract(tmp_path: Path) -> None:
    steps: list[str] = []
    counts = _generate(tmp_path, leads=3000, progress=steps.append)
    con = _connect(tmp_path)

    assert steps == ["accounts", "leads", "events", "lifecycle"]
    assert not (tmp_path / ".tmp").exists()
    for table in TABLES:
        described = con.execute(f"describe {table}").fetchall()
        assert [row[0] for row in described] == COLUMNS[table]
        assert _scalar(con, f"select count(*) from {table}") == counts[table]
    assert counts["leads"] == 3000
    assert counts["accounts"] == 375
    assert 40 < counts["events"] / counts["leads"] < 60

    # ids: unique, formatted, events dense and ordered by lead then time
    assert _scalar(con, "select count(distinct lead_id) = count(*) and min(lead_id) = 'L0000001' from leads")
    assert _scalar(
        con, "select count(distinct account_id) = count(*) and count(distinct domain) = count(*) from accounts"
    )
    assert _scalar(con, "select count(distinct event_id) = count(*) from events")
    assert _scalar(
        con,
        "select bool_and(event_id = 'E' || lpad(n::varchar, 9, '0')) "
        "from (select event_id, row_number() over () as n from events)",
    )
    assert (
        _scalar(
            con,
            "select count(*) from (select lead_id, occurred_at, lag(lead_id) over () as prev_lead, "
            "lag(occurred_at) over () as prev_at from events) "
            "where lead_id < prev_lead or (lead_id = prev_lead and occurred_at < prev_at)",
        )
        == 0
    )

    # references
    assert _scalar(con, "select count(*) from events where lead_id not in (select lead_id from leads)") == 0
    assert _scalar(con, "select count(*) from lifecycle where lead_id not in (select lead_id from leads)") == 0
    assert (
        _scalar(
            con,
            "select count(*) from leads "
            "where account_id is not null and account_id not in (select account_id from accounts)",
        )
        == 0
    )

    # time bounds: the year ending on END, never before the lead existed
    end = "timestamp '2025-06-30 23:59:59'"
    assert _scalar(con, f"select max(created_at) <= {end} from leads")
    assert _scalar(con, "select min(created_at) < timestamp '2024-07-01' from leads")
    assert _scalar(con, f"select max(occurred_at) <= {end} and min(occurred_at) >= timestamp '2024-07-01' from events")
    assert _scalar(con, "select count(*) from events join leads using (lead_id) where occurred_at < created_at") == 0
    assert _scalar(con, f"select max(entered_at) <= {end} from lifecycle")

    # value sets
    assert {row[0] for row in con.execute("select distinct event_type from events").fetchall()} == EVENT_TYPES
    assert _scalar(
        con,
        """select bool_and(seniority in ('executive', 'vp', 'director', 'manager',
        'individual_contributor', 'student')) from leads""",
    )
    assert _scalar(
        con,
        """select bool_and(department in ('marketing', 'sales', 'it', 'engineering',
        'finance', 'operations', 'hr', 'executive', 'other')) from leads""",
    )
    assert _scalar(
        con,
        """select bool_and(lead_source in ('organic_search', 'paid_search', 'paid_social',
        'referral', 'webinar', 'event', 'partner', 'outbound', 'direct', 'content_syndication')) from leads""",
    )
    assert _scalar(
        con,
        """select bool_and(purchase_timeline in ('this_quarter', 'next_quarter', '6_12_months',
        'no_plans')) from leads where purchase_timeline is not null""",
    )
    assert _scalar(
        con,
        """select bool_and(industry in ('software', 'financial_services', 'healthcare',
        'manufacturing', 'retail', 'education', 'government', 'media', 'professional_services',
        'telecommunications', 'nonprofit')) and bool_and(business_model in ('b2b', 'b2c', 'b2b2c'))
        and min(employee_count) >= 1 and max(employee_count) <= 200000 from accounts""",
    )
    assert _scalar(con, "select bool_and(domain like '%.example') from accounts")
    assert _scalar(con, "select count(*) from leads where job_title is null or email not like '%_@_%'") == 0
    assert (
        _scalar(con, "select count(*) from leads where seniority = 'student' and job_title not like '%Student%'") == 0
    )
    assert _scalar(con, "select count(*) from leads where seniority = 'vp' and job_title not like 'V%'") == 0
    interest_null = _scalar(con, "select avg((product_interest is null)::int) from leads")
    assert 0.2 < interest_null < 0.3
    assert _scalar(
        con,
        """select bool_and(product_interest in ('analytics_suite', 'crm_platform'))
        from leads where product_interest is not null""",
    )

    # planted data quality issues
    no_account = _scalar(con, "select avg((account_id is null)::int) from leads")
    assert 0.07 < no_account < 0.13
    named = _scalar(con, "select avg((length(country) > 2)::int) from leads")
    assert 0.08 < named < 0.22
    assert _scalar(con, "select count(*) from leads where country = 'Germany'") > 0
    personal = _scalar(
        con,
        """select avg((split_part(email, '@', 2) in ('gmail.com', 'yahoo.com',
        'hotmail.com', 'outlook.com'))::int) from leads""",
    )
    assert 0.05 < personal < 0.11
    competitors = _scalar(
        con,
        """select count(*) from leads
        where split_part(email, '@', 2) in ('rival-analytics.example', 'competitor-crm.example')""",
    )
    assert competitors > 0

    # events: which attributes are set for which types, a few hundred pages
    assert (
        _scalar(
            con,
            f"""select count(*) from events where (page_url is not null)
        != (event_type in {PAGE_EVENTS})""",
        )
        == 0
    )
    assert _scalar(con, "select bool_and(page_url like 'https://www.acme-analytics.example/%') from events")
    assert 50 < _scalar(con, "select count(distinct page_url) from events") < 400
    assert _scalar(con, f"select count(*) from events where (device is null) != (event_type in {EMAIL_EVENTS})") == 0
    assert (
        _scalar(
            con,
            """select count(*) from events where (duration_seconds is not null)
        != (event_type in ('page_view', 'webinar_attendance'))""",
        )
        == 0
    )
    assert _scalar(con, "select count(*) from events where event_type = 'email_sent' and campaign is null") == 0

    # lifecycle: stage order and reasons
    assert _scalar(con, "select bool_and(stage in ('sql', 'opportunity', 'won', 'lost', 'rejected')) from lifecycle")
    assert (
        _scalar(
            con,
            """select count(*) from lifecycle where stage = 'rejected' and reason not in
        ('Competitor', 'No budget', 'Student / not a buyer', 'Not a fit - too small', 'Bad timing',
         'Duplicate')""",
        )
        == 0
    )
    assert (
        _scalar(
            con,
            """select count(*) from lifecycle where stage = 'lost'
        and reason not in ('Chose competitor', 'Price', 'No decision')""",
        )
        == 0
    )
    assert (
        _scalar(
            con,
            """select count(*) from lifecycle w join lifecycle o using (lead_id)
        where w.stage = 'won' and o.stage = 'opportunity' and o.entered_at > w.entered_at""",
        )
        == 0
    )
    assert (
        _scalar(
            con,
            """select count(*) from lifecycle w where stage = 'won' and not exists
        (select 1 from lifecycle o where o.lead_id = w.lead_id and o.stage = 'opportunity')""",
        )
        == 0
    )


def test_weekdays_are_busier_than_weekends(tmp_path: Path) -> None:
    _generate(tmp_path)
    con = _connect(tmp_path)
    per_day = """
        select
            sum(n) filter (where dow not in (0, 6)) / count(*) filter (where dow not in (0, 6)) as weekday,
            sum(n) filter (where dow in (0, 6)) / count(*) filter (where dow in (0, 6)) as weekend
        from (select occurred_at::date as day, dayofweek(occurred_at) as dow, count(*) as n
              from events {where} group by all)
    """
    weekday, weekend = con.execute(per_day.format(where="")).fetchone()
    assert weekday > 2 * weekend
    weekday, weekend = con.execute(per_day.format(where="where event_type = 'page_view'")).fetchone()
    assert weekday > 2 * weekend
    working_hours = _scalar(
        con, "select avg((hour(occurred_at) between 8 and 18)::int) from events where event_type = 'page_view'"
    )
    assert working_hours > 0.7


def test_planted_truth_separates_drivers_from_noise(tmp_path: Path) -> None:
    _generate(tmp_path, leads=5000)
    con = _connect(tmp_path)
    con.execute("""
        create table lead_facts as
        select
            l.lead_id,
            exists (select 1 from lifecycle c where c.lead_id = l.lead_id
                    and c.stage in ('sql', 'opportunity', 'won', 'lost')) as converted,
            count(*) filter (where e.event_type = 'demo_request'
                             or e.page_url like '%/pricing') as hand_raises,
            count(*) filter (where e.page_url like '%/blog/%') as blog_views,
            count(*) filter (where e.page_url like '%/careers%') as careers_views
        from leads l left join events e using (lead_id)
        group by l.lead_id
    """)

    def rate(where: str) -> float:
        return float(_scalar(con, f"select avg(converted::int) from lead_facts where {where}"))

    assert 0.08 <= rate("true") <= 0.15
    assert rate("hand_raises > 0") > 2.5 * rate("hand_raises = 0")
    median_blog = _scalar(con, "select median(blog_views) from lead_facts")
    blog_ratio = rate(f"blog_views > {median_blog}") / rate(f"blog_views <= {median_blog}")
    assert 0.67 < blog_ratio < 1.5
    assert rate("careers_views >= 3") < rate("true")

    # conversions come after the activity that led to them
    late = _scalar(
        con,
        """
        select count(*) from lifecycle c join events e using (lead_id)
        where c.stage in ('sql', 'rejected') and e.event_type in ('demo_request', 'contact_sales')
          and e.occurred_at > c.entered_at
    """,
    )
    assert late == 0

    truth = json.loads((tmp_path / "demo_truth.json").read_text())
    assert truth["seed"] == 42 and truth["end_date"] == "2025-06-30"
    positive = {d["name"] for d in truth["drivers"] if d["sign"] > 0}
    assert {"demo_request", "pricing", "webinar_attendance", "content_download", "seniority"} <= positive
    assert {"blog", "social_engagement", "email_open"} <= {n["name"] for n in truth["noise"]}
    observed = truth["observed"]
    assert 0.08 <= observed["sql_rate"] <= 0.15
    assert 0.25 <= observed["opportunity_rate_of_sql"] <= 0.45
    assert 0.2 <= observed["won_rate_of_opportunity"] <= 0.45
    assert observed["sql_rate_job_seekers"] == 0


def test_csv_and_parquet_hold_the_same_rows(tmp_path: Path) -> None:
    parquet_dir, csv_dir = tmp_path / "parquet", tmp_path / "csv"
    assert _generate(parquet_dir) == _generate(csv_dir, file_format="csv")
    parquet, csv = _connect(parquet_dir), _connect(csv_dir, "csv")

    for table in TABLES:
        as_text = ", ".join(f"{column}::varchar" for column in COLUMNS[table])
        assert (
            parquet.execute(f"select {as_text} from {table}").fetchall()
            == csv.execute(f"select * from {table}").fetchall()
        ), table
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    assert all(stamp.match(row[0]) for row in csv.execute("select occurred_at from events limit 500").fetchall())
    header = (csv_dir / "events.csv").read_text().splitlines()[0]
    assert header == ",".join(COLUMNS["events"])


@pytest.mark.parametrize("events_per_lead", [10.0, 80.0])
def test_events_per_lead_sets_the_volume(tmp_path: Path, events_per_lead: float) -> None:
    # 80 overflowed a decimal product in the leads query before the scales were multiplied in Python
    counts = _generate(tmp_path, leads=300, events_per_lead=events_per_lead)
    assert 0.8 * events_per_lead <= counts["events"] / counts["leads"] <= 1.2 * events_per_lead


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"leads": 0}, "leads"), ({"file_format": "json"}, "file_format"), ({"events_per_lead": 0}, "events_per_lead")],
)
def test_rejects_bad_arguments(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"leads": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        generate_demo_data(tmp_path, **arguments)  # type: ignore[arg-type]
