"""rpt_conversion_by_segment and rpt_mql_velocity against the same figures counted independently.

Three days a month apart are scored in order, so the score history (and with it the first MQL
dates) spans several days. The expected figures are then counted here with plain SQL over the raw
landing files (leads, accounts, lifecycle) and the country and size-band seed files, taking from
the warehouse only what exists nowhere else: the first MQL dates and the scored days of the
history. The days from lead creation to sql and to won are listed per lead from the same files and
their medians and 90th percentiles interpolated here in Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, make_settings, plant_rows
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import build

END_DATE = date(2026, 11, 26)
SCORED_DAYS = [date(2026, 9, 26), date(2026, 10, 26), END_DATE]

# Won without a sql or opportunity record, with no account and a country nobody knows: it must
# count as sql, opportunity and won, and in the 'unknown' industry, size, country and region.
WON_ONLY_LEAD = {
    "lead_id": "P_WON_ONLY",
    "email": "won@planted-co.example",
    "created_at": "2026-06-01 09:00:00",
    "company_name": "Planted Co",
    "job_title": "Head of Finance",
    "seniority": "director",
    "department": "finance",
    "country": "Atlantis",
    "lead_source": "partner",
}
WON_ONLY_STAGES = [{"lead_id": "P_WON_ONLY", "stage": "won", "entered_at": "2026-10-01 12:00:00"}]

DIMENSIONS = ["lead_source", "industry", "company_size_band", "country", "region", "scoring_model"]

# One row per lead and segment dimension, from the raw files. $1 leads.csv, $2 accounts.csv,
# $3 lifecycle.csv, $4 countries.csv, $5 country_names.csv, $6 company_size_bands.csv, $7 as-of.
SEGMENT_LEADS_SQL = """
with

raw_leads as (
    select distinct
        lead_id,
        lead_source,
        account_id,
        lower(country) as country_key,
        cast(created_at as timestamp) as created_at
    from read_csv($1, all_varchar = true)
    where created_at is null or cast(created_at as timestamp) < cast($7 as date) + 1
),

accounts as (
    select distinct account_id, industry, cast(employee_count as bigint) as employee_count
    from read_csv($2, all_varchar = true)
),

country_keys as (
    select lower(country_code) as country_key, country_code, region
    from read_csv($4, all_varchar = true)
    union
    select names.country_name_key, codes.country_code, codes.region
    from read_csv($5, all_varchar = true) as names
    inner join read_csv($4, all_varchar = true) as codes using (country_code)
),

size_bands as (
    select
        size_band,
        cast(min_employees as bigint) as min_employees,
        cast(max_employees as bigint) as max_employees
    from read_csv($6, all_varchar = true)
),

stages as (
    select lead_id, stage, cast(cast(entered_at as timestamp) as date) as entered_on
    from read_csv($3, all_varchar = true)
    where cast(entered_at as timestamp) < cast($7 as date) + 1
),

stage_days as (
    -- the first day at sql or beyond (CRMs skip stages) and the day won
    select
        lead_id,
        min(entered_on) filter (where stage in ('sql', 'opportunity', 'lost', 'won')) as sql_on,
        min(entered_on) filter (where stage = 'won') as won_on
    from stages
    group by lead_id
),

mql_dates as (
    select lead_id, model_id, first_mql_date
    from fct_lead_mql_dates
    where first_mql_date is null or first_mql_date <= cast($7 as date)
),

lead_facts as (
    select
        raw_leads.lead_id,
        raw_leads.lead_source,
        accounts.industry,
        size_bands.size_band as company_size_band,
        country_keys.country_code as country,
        country_keys.region,
        raw_leads.lead_id in (select lead_id from mql_dates where first_mql_date is not null) as is_mql,
        raw_leads.lead_id in (
            select lead_id from stages where stage in ('sql', 'opportunity', 'lost', 'won')
        ) as is_sql,
        raw_leads.lead_id in (
            select lead_id from stages where stage in ('opportunity', 'lost', 'won')
        ) as is_opportunity,
        raw_leads.lead_id in (select lead_id from stages where stage = 'won') as is_won,
        cast(raw_leads.created_at as date) as created_on,
        stage_days.sql_on,
        stage_days.won_on
    from raw_leads
    left join stage_days using (lead_id)
    left join accounts using (account_id)
    left join country_keys using (country_key)
    left join size_bands
        on accounts.employee_count >= size_bands.min_employees
        and (size_bands.max_employees is null or accounts.employee_count < size_bands.max_employees)
),

lead_segments as (
    select 'lead_source' as dimension, lead_source as value, {facts} from lead_facts
    union all
    select 'industry', industry, {facts} from lead_facts
    union all
    select 'company_size_band', company_size_band, {facts} from lead_facts
    union all
    select 'country', country, {facts} from lead_facts
    union all
    select 'region', region, {facts} from lead_facts
    union all
    select 'scoring_model', mql_dates.model_id, {facts}
    from lead_facts
    inner join mql_dates using (lead_id)
)
""".format(facts="lead_id, is_mql, is_sql, is_opportunity, is_won, created_on, sql_on, won_on")

EXPECTED_SQL = (
    SEGMENT_LEADS_SQL
    + """
select
    dimension,
    coalesce(value, 'unknown') as value,
    count(distinct lead_id) as leads,
    count(distinct lead_id) filter (where is_mql) as mqls,
    count(distinct lead_id) filter (where is_sql) as sqls,
    count(distinct lead_id) filter (where is_opportunity) as opportunities,
    count(distinct lead_id) filter (where is_won) as won,
    count(distinct lead_id) filter (where is_mql and is_sql) as mqls_reaching_sql
from lead_segments
group by all
"""
)

# One row per segment and lead: its creation, sql and won days.
LEAD_DAYS_SQL = (
    SEGMENT_LEADS_SQL
    + """
select distinct dimension, coalesce(value, 'unknown') as value, lead_id, created_on, sql_on, won_on
from lead_segments
"""
)

COHORTS_SQL = """
select coalesce(lead_source, 'unknown'), strftime(date_trunc('month', cast(created_at as timestamp)), '%Y-%m-%d'), count(distinct lead_id)
from read_csv($1, all_varchar = true)
where cast(created_at as timestamp) < cast($2 as date) + 1
group by all
"""


def rate(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def percentile(values: list[int], share: Fraction) -> Decimal | None:
    """The continuous percentile (SQL percentile_cont): interpolated between the two nearest
    values, to 2 decimals; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    exact = ordered[low] + (position - low) * (ordered[high] - ordered[low])
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def days_from_creation(rows: list[tuple]) -> dict[tuple[str, str], tuple]:
    """(dimension, value) -> median and p90 days from creation to sql, then to won, over the leads
    that reached the stage on or after their creation day."""
    to_sql: dict[tuple[str, str], list[int]] = defaultdict(list)
    to_won: dict[tuple[str, str], list[int]] = defaultdict(list)
    for dimension, value, _lead_id, created_on, sql_on, won_on in rows:
        for stage_on, found in ((sql_on, to_sql), (won_on, to_won)):
            if created_on is not None and stage_on is not None and stage_on >= created_on:
                found[(dimension, value)].append((stage_on - created_on).days)
    half, ninety = Fraction(1, 2), Fraction(9, 10)
    return {
        key: (
            percentile(to_sql[key], half),
            percentile(to_sql[key], ninety),
            percentile(to_won[key], half),
            percentile(to_won[key], ninety),
        )
        for key in {(row[0], row[1]) for row in rows}
    }


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate_demo_data(landing, leads=1500, seed=7, end_date=END_DATE, file_format="csv", events_per_lead=30)
    plant_rows(landing, "leads", [WON_ONLY_LEAD])
    plant_rows(landing, "lifecycle", WON_ONLY_STAGES)
    return landing


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def check_conversion_by_segment(db: duckdb.DuckDBPyConnection, landing: Path) -> None:
    seeds = PROJECT_DIR / "seeds"
    files = [
        str(landing / "leads.csv"),
        str(landing / "accounts.csv"),
        str(landing / "lifecycle.csv"),
        str(seeds / "countries.csv"),
        str(seeds / "country_names.csv"),
        str(seeds / "company_size_bands.csv"),
        END_DATE.isoformat(),
    ]
    expected_rows = db.execute(EXPECTED_SQL, files).fetchall()
    days = days_from_creation(db.execute(LEAD_DAYS_SQL, files).fetchall())
    report_rows = db.execute(
        """
        select segment_dimension, segment_value, leads, mqls, sqls, opportunities, won, mql_to_sql_rate,
            lead_to_sql_rate, lead_to_won_rate, median_days_lead_to_sql, p90_days_lead_to_sql,
            median_days_lead_to_won, p90_days_lead_to_won
        from rpt_conversion_by_segment
        where is_all_cohorts
        """
    ).fetchall()

    expected = {
        (dimension, value): (
            leads,
            mqls,
            sqls,
            opportunities,
            won,
            rate(reaching, mqls),
            rate(sqls, leads),
            rate(won, leads),
            *days[(dimension, value)],
        )
        for dimension, value, leads, mqls, sqls, opportunities, won, reaching in expected_rows
    }
    reported = {(dimension, value): tuple(rest) for dimension, value, *rest in report_rows}
    for dimension in DIMENSIONS:
        want = {key: value for key, value in expected.items() if key[0] == dimension}
        got = {key: value for key, value in reported.items() if key[0] == dimension}
        assert want, f"no {dimension} segments counted"
        assert got == want, (
            f"{dimension}: (leads, mqls, sqls, opportunities, won, mql_to_sql_rate, lead_to_sql_rate, "
            "lead_to_won_rate, median and p90 days from creation to sql and to won) differ"
        )
    # the days mean something: most segments have them, and they spread
    with_days = [value for key, value in expected.items() if value[8] is not None]
    assert len(with_days) > len(expected) / 2
    assert any(value[9] > value[8] for value in with_days) and any(value[10] is not None for value in with_days)

    # the comparison means something: every lead counted, with MQLs, sqls and wins among them
    assert sum(v[0] for k, v in expected.items() if k[0] == "lead_source") == 1501
    assert all(sum(v[i] for k, v in expected.items() if k[0] == "lead_source") > 0 for i in (1, 2, 3, 4))
    # the planted won-only lead is won (and so sql and opportunity) in the 'unknown' segments
    for segment in [("industry", "unknown"), ("country", "unknown"), ("region", "unknown")]:
        assert min(reported[segment][2:5]) >= 1

    # the cohort rows split each segment's leads by creation month
    cohort_rows = db.execute(
        """
        select segment_value, strftime(cohort_month, '%Y-%m-%d'), leads
        from rpt_conversion_by_segment
        where segment_dimension = 'lead_source' and not is_all_cohorts
        """
    ).fetchall()
    expected_cohorts = db.execute(COHORTS_SQL, [str(landing / "leads.csv"), END_DATE.isoformat()]).fetchall()
    assert sorted(cohort_rows) == sorted(expected_cohorts)
    unbalanced = db.execute(
        """
        select total.segment_dimension, total.segment_value
        from rpt_conversion_by_segment as total
        where total.is_all_cohorts
            and total.leads <> (
                select sum(cohort.leads)
                from rpt_conversion_by_segment as cohort
                where not cohort.is_all_cohorts
                    and cohort.segment_dimension = total.segment_dimension
                    and cohort.segment_value = total.segment_value
            )
        """
    ).fetchall()
    assert unbalanced == []
    assert db.execute("select distinct as_of_date from rpt_conversion_by_segment").fetchall() == [(END_DATE,)]


def check_mql_velocity(db: duckdb.DuckDBPyConnection, landing: Path) -> None:
    mql_dates = db.execute(
        "select lead_id, model_id, first_mql_date from fct_lead_mql_dates where first_mql_date is not null"
    ).fetchall()
    scored = db.execute("select distinct as_of_date, model_id, lead_id from fct_lead_score_history").fetchall()
    sql_leads = {
        lead_id
        for (lead_id,) in db.execute(
            "select lead_id from read_csv($1, all_varchar = true) "
            "where stage in ('sql', 'opportunity', 'lost', 'won') and cast(entered_at as timestamp) < $2",
            [str(landing / "lifecycle.csv"), (END_DATE + timedelta(days=1)).isoformat()],
        ).fetchall()
    }
    report = db.execute(
        "select model_id, week_start, new_mqls, mqls_reaching_sql, mql_to_sql_rate, scored_leads from rpt_mql_velocity"
    ).fetchall()

    scored_leads: dict[tuple[str, date], set[str]] = {}
    for day, model_id, lead_id in scored:
        scored_leads.setdefault((model_id, monday(day)), set()).add(lead_id)
    new_mqls: dict[tuple[str, date], set[str]] = {}
    for lead_id, model_id, first_mql_date in mql_dates:
        new_mqls.setdefault((model_id, monday(first_mql_date)), set()).add(lead_id)
    expected = {}
    for key, leads in scored_leads.items():
        mqls = new_mqls.get(key, set())
        reaching = len(mqls & sql_leads)
        expected[key] = (len(mqls), reaching, rate(reaching, len(mqls)), len(leads))

    got = {(model_id, week): tuple(rest) for model_id, week, *rest in report}
    assert got == expected
    # one week per scored day, and every one of them brought new MQLs
    assert {week for _model, week in got} == {monday(day) for day in SCORED_DAYS}
    for day in SCORED_DAYS:
        assert sum(new for (_model, week), (new, *_rest) in got.items() if week == monday(day)) > 0


def test_segment_reports_match_an_independent_count(isolated_dbt: Path, demo_landing: Path) -> None:
    """Score three days in order, then check both reports against counts made from raw files."""
    settings = make_settings(isolated_dbt, demo_landing)
    for day in SCORED_DAYS:
        build(settings, day)

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        check_conversion_by_segment(db, demo_landing)
        check_mql_velocity(db, demo_landing)
