"""What the written data shows: outcome rates of the leads, and what the planted drivers and the
noise do to conversion over the reports' window, measured on the events as the files hold them
and counted as the calibration report counts them."""

from __future__ import annotations

from datetime import date, time, timedelta

import duckdb

from leadscore.demo.events import attribute_hash, event_type_sql, page_sql
from leadscore.demo.plan import DAY, Plan, epoch
from leadscore.demo.site import SITE
from leadscore.demo.sql_text import lit


def observed_rates(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    row = con.execute(
        """
        select
            avg(reach_sql::int),
            sum(reach_opp::int) / nullif(sum(reach_sql::int), 0),
            sum(won::int) / nullif(sum(reach_opp::int), 0),
            avg(rejected::int),
            avg(reach_sql::int) filter (where n_demo > 0),
            avg(reach_sql::int) filter (where n_demo = 0),
            avg(reach_sql::int) filter (where n_pricing > 0),
            avg(reach_sql::int) filter (where n_pricing = 0),
            avg(reach_sql::int) filter (where bad_fit),
            avg(reach_sql::int) filter (where job_seeker),
            avg(reach_sql::int) filter (where n_blog > (select median(n_blog) from lead_state)),
            avg(reach_sql::int) filter (where n_blog <= (select median(n_blog) from lead_state))
        from lead_state
        """
    ).fetchone()
    names = (
        "sql_rate",
        "opportunity_rate_of_sql",
        "won_rate_of_opportunity",
        "rejected_rate",
        "sql_rate_with_demo_request",
        "sql_rate_without_demo_request",
        "sql_rate_with_pricing_view",
        "sql_rate_without_pricing_view",
        "sql_rate_students_competitors_personal_email",
        "sql_rate_job_seekers",
        "sql_rate_blog_views_above_median",
        "sql_rate_blog_views_at_or_below_median",
    )
    return {name: round(float(value), 4) if value is not None else None for name, value in zip(names, row or ())}


CONVERSION_WINDOW_DAYS = 90  # report_settings.conversion_window_days
OBSERVATION_EVERY_DAYS = 30
# the window effects are measured on the first leads only, so they cost the same at any size
TRUTH_SAMPLE_LEADS = 20_000

# Each event type or page category of drivers and noise: a condition on event_type and page_url
# (page views by the page_categories seed's patterns).
_PAGE = "event_type = 'page_view' and page_url like "
WINDOW_FEATURES: tuple[tuple[str, str], ...] = (
    ("demo_request", "event_type = 'demo_request'"),
    ("contact_sales", "event_type = 'contact_sales'"),
    ("content_download", "event_type = 'content_download'"),
    ("form_submission", "event_type = 'form_submission'"),
    ("webinar_registration", "event_type = 'webinar_registration'"),
    ("webinar_attendance", "event_type = 'webinar_attendance'"),
    ("pricing", f"{_PAGE}'%/pricing%'"),
    ("demo", f"{_PAGE}'%/demo%'"),
    ("contact", f"{_PAGE}'%/contact%'"),
    ("case_study", f"{_PAGE}'%/customers/%'"),
    ("product", f"({_PAGE}'%/product/%' or {_PAGE}'%/features/%' or {_PAGE}'%/integrations/%')"),
    ("careers", f"{_PAGE}'%/careers%'"),
    ("blog", f"{_PAGE}'%/blog/%'"),
    ("docs", f"{_PAGE}'%/docs/%'"),
    ("investor_relations", f"{_PAGE}'%/investors%'"),
    ("home_and_about", f"event_type = 'page_view' and page_url in ({lit(SITE + '/')}, {lit(SITE + '/about')})"),
    ("social_engagement", "event_type = 'social_engagement'"),
    ("email_open", "event_type = 'email_open'"),
    ("email_click", "event_type = 'email_click'"),
    ("email_bounce", "event_type = 'email_bounce'"),
    ("unsubscribe", "event_type = 'unsubscribe'"),
)
SIZE_BANDS = ((10, "1-9"), (50, "10-49"), (200, "50-199"), (1000, "200-999"), (5000, "1000-4999"), (None, "5000+"))


def _observation_days(plan: Plan) -> list[date]:
    """Every 30 days from 30 days after the window's start, while the day's whole conversion
    window lies in the data."""
    last = plan.end_date - timedelta(days=CONVERSION_WINDOW_DAYS)
    days, day = [], plan.start_date + timedelta(days=OBSERVATION_EVERY_DAYS)
    while day <= last:
        days.append(day)
        day += timedelta(days=OBSERVATION_EVERY_DAYS)
    return days


def truth_events_sql(plan: Plan) -> str:
    """The sampled leads' events, as the events file holds them (type, time, page)."""
    return f"""
    create temp table truth_events as
    with unnested as (
        select lead_num, unnest(evs) as x from scratch.ev_lists where lead_num <= {TRUTH_SAMPLE_LEADS}
    ),
    hashed as (
        select lead_num, x, {attribute_hash("attr_a")} as ha from unnested
    )
    select
        lead_num,
        x.t::bigint + {plan.start_s} as t,
        {event_type_sql()} as event_type,
        {page_sql()} as page_url
    from hashed
    """


def window_effects(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, object]:
    """Conversion within the window after an observation day, as the calibration report counts
    it: every lead that exists at the end of day d and is not yet at sql (or beyond) is an
    observation of d; it converted when it reached sql (or beyond) within the next 90 days.
    Rates with and without each event type or page category seen by the end of d, and by fit
    attribute."""
    days = _observation_days(plan)
    result: dict[str, object] = {
        "conversion_window_days": CONVERSION_WINDOW_DAYS,
        "observation_days": [day.isoformat() for day in days],
        "sample": f"leads L0000001 to L{min(plan.leads, TRUTH_SAMPLE_LEADS):07d}",
        "definition": (
            "an observation is a lead on an observation day: created by the end of the day and not at "
            "sql or a later stage (opportunity, won, lost) by then; it converted when it reached one of "
            f"them within the next {CONVERSION_WINDOW_DAYS} days. 'with' counts observations whose lead "
            "had at least one such event (a page view of the category) by the end of the day."
        ),
    }
    if not days:
        return result | {"observations": 0, "conversions": 0, "base_rate": None, "events": {}, "fit": {}}
    day_ends = ", ".join(f"({epoch(day + timedelta(days=1), time(0))})" for day in days)
    firsts = ", ".join(f"min(t) filter (where {condition}) as f_{name}" for name, condition in WINDOW_FEATURES)
    size = " ".join(f"when employee_count < {bound} then '{label}'" for bound, label in SIZE_BANDS if bound)
    con.execute(f"""
        create temp table truth_obs as
        with days as (select * from (values {day_ends}) v(day_end)),
        firsts as (select lead_num, {firsts} from truth_events group by lead_num),
        leads as (
            select
                *,
                case when reach_sql then case when skip_sql then opp_s else sql_s end end as first_sql_s
            from lead_state
            where lead_num <= {TRUTH_SAMPLE_LEADS}
        )
        select
            l.lead_num,
            d.day_end,
            coalesce(l.first_sql_s < d.day_end + {CONVERSION_WINDOW_DAYS * DAY}, false) as converted,
            l.seniority,
            coalesce(l.account_industry, 'no account') as industry,
            coalesce(l.account_model, 'no account') as business_model,
            case when l.employee_count is null then 'no account' {size} else '{SIZE_BANDS[-1][1]}' end
                as company_size,
            -- as the e-mail address shows it: a competitor's employee may write from gmail
            case when l.is_personal then 'personal' when l.is_competitor then 'competitor' else 'business' end
                as email_domain,
            {", ".join(f"coalesce(f.f_{name} < d.day_end, false) as {name}" for name, _ in WINDOW_FEATURES)}
        from leads l
        cross join days d
        left join firsts f on f.lead_num = l.lead_num
        where l.created_s < d.day_end
            and (l.first_sql_s is null or l.first_sql_s >= d.day_end)
    """)
    counts = ", ".join(
        f"count(*) filter (where {name}), count(*) filter (where {name} and converted)" for name, _ in WINDOW_FEATURES
    )
    row = con.execute(f"select count(*), count(*) filter (where converted), {counts} from truth_obs").fetchone()
    assert row is not None
    total, converted = int(row[0]), int(row[1])
    events = {}
    for index, (name, _) in enumerate(WINDOW_FEATURES):
        with_n, with_c = int(row[2 + 2 * index]), int(row[3 + 2 * index])
        events[name] = _effect(with_n, with_c, total - with_n, converted - with_c)
    fit: dict[str, dict[str, object]] = {}
    for attribute in ("seniority", "industry", "business_model", "company_size", "email_domain"):
        rows = con.execute(
            f"select {attribute}, count(*), count(*) filter (where converted) from truth_obs group by 1 order by 1"
        ).fetchall()
        fit[attribute] = {
            str(value): {"observations": int(n), "conversions": int(c), "rate": _ratio(int(c), int(n))}
            for value, n, c in rows
        }
    return result | {
        "observations": total,
        "conversions": converted,
        "base_rate": _ratio(converted, total),
        "events": events,
        "fit": fit,
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _effect(with_n: int, with_c: int, without_n: int, without_c: int) -> dict[str, object]:
    """Conversion with and without a feature, and the odds ratio (null when a cell is empty)."""
    cells = (with_c, with_n - with_c, without_c, without_n - without_c)
    odds_ratio = round(cells[0] * cells[3] / (cells[1] * cells[2]), 3) if all(cells) else None
    return {
        "with": {"observations": with_n, "conversions": with_c, "rate": _ratio(with_c, with_n)},
        "without": {"observations": without_n, "conversions": without_c, "rate": _ratio(without_c, without_n)},
        "odds_ratio": odds_ratio,
    }
