"""The leads query: one named step (CTE) after another, from a lead's random draws to its
outcome, into the table the leads file and every later step read.

The steps live with their concern: who the lead is (`people.py`), its journey and activity
(`journey.py`), what became of it (`outcomes.py`). Every draw is keyed by the lead's number and a
salt, so the steps' names and order do not change the data.
"""

from __future__ import annotations

from leadscore.demo.journey import activity_counts, engaged_weeks, hidden_traits, journey_phases
from leadscore.demo.outcomes import close_times, conversion_draws, opportunities_and_rejections, reasons, stages_reached
from leadscore.demo.people import (
    account_picks,
    contacts,
    creation_days,
    creation_times,
    lead_draws,
    people,
    profiles,
    seniorities,
)
from leadscore.demo.plan import Plan
from leadscore.demo.sql_text import steps


def leads_sql(plan: Plan) -> str:
    """Creates table generated_leads, one row per lead with everything drawn or derived for it."""
    return (
        "create temp table generated_leads as\n"
        + steps(
            ("lead_draws", lead_draws(plan)),
            ("account_picks", account_picks()),
            ("seniorities", seniorities()),
            ("people", people()),
            ("creation_days", creation_days(plan)),
            ("creation_times", creation_times(plan)),
            ("profiles", profiles()),
            ("contacts", contacts()),
            ("hidden_traits", hidden_traits(plan)),
            ("journey_phases", journey_phases(plan)),
            ("engaged_weeks", engaged_weeks(plan)),
            ("activity_counts", activity_counts(plan)),
            ("conversion_draws", conversion_draws()),
            ("stages_reached", stages_reached(plan)),
            ("opportunities_and_rejections", opportunities_and_rejections(plan)),
            ("close_times", close_times(plan)),
            ("final", reasons()),
        )
        + "select * from final\norder by lead_num"
    )


def leads_output_sql() -> str:
    """The leads file, in the landing contract's columns."""
    return """
    select
        lead_id, email, first_name, last_name, make_timestamp(created_s * 1000000) as created_at,
        account_id, company_name, job_title, seniority, department, country, lead_source,
        product_interest, budget, purchase_timeline, stated_need
    from generated_leads
    order by lead_num
    """


# What the events, lifecycle and truth steps need of a lead; the rest of generated_leads is
# dropped after the leads file is written, to leave memory to the per-lead event lists.
LEAD_STATE_COLUMNS = (
    "lead_num",
    "lead_id",
    "created_s",
    "a0",
    "journey_start",
    "journey_len",
    "journey_end",
    "pricing_start",
    "hand_raise_start",
    "engaged_start",
    "engaged_end",
    "engaged_w0",
    "engaged_w1",
    "device_pref",
    "w0",
    "n_email_units",
    "unsub_week",
    "thu_seg",
    "p_open",
    "p_attend",
    "n_blog",
    "n_general",
    "n_social",
    "n_careers",
    "n_product",
    "n_pricing",
    "n_content",
    "n_webinar",
    "n_demo",
    "n_contact",
    "job_seeker",
    "bad_fit",
    "reach_sql",
    "reach_opp",
    "won",
    "lost",
    "skip_sql",
    "rejected",
    "sql_s",
    "opp_s",
    "close_s",
    "rejected_s",
    "rejected_reason",
    "lost_reason",
    "seniority",
    "account_industry",
    "account_model",
    "employee_count",
    "is_personal",
    "is_competitor",
)


def lead_state_sql() -> tuple[str, ...]:
    """Keeps of each lead what the later steps need, and drops the tables they do not."""
    return (
        "create temp table lead_state as "
        f"select {', '.join(LEAD_STATE_COLUMNS)} from generated_leads order by lead_num",
        "drop table generated_leads",
        "drop table accounts",
        "drop table titles",
    )
