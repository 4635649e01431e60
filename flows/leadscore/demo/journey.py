"""Each lead's buying journey and how much it does: when the journey and the engaged period
around it start and end, and how many events of each stream the lead has.

Each function is one step (CTE) of the leads query in `leads.py`, named for what it adds.
"""

from __future__ import annotations

from datetime import time

from leadscore.demo.model import (
    ENGAGED_LEAD_IN_MEAN_DAYS,
    ENGAGED_TAIL_MEAN_DAYS,
    HAND_RAISE_DAYS,
    JOURNEY_EXTRA_MEAN_DAYS,
    JOURNEY_INTENSITY,
    JOURNEY_MIN_DAYS,
    JOURNEY_START_MEAN_DAYS,
    PRICING_FROM,
    fit_sql,
)
from leadscore.demo.plan import DAY, WEEK, Plan, epoch


def hidden_traits(plan: Plan) -> str:
    """Fit, exposure (the share of the window the lead lived in) and the journey's start and length."""
    return f"""
    select
        *,
        {fit_sql()} as fit,
        0.3 + 0.7 * ({plan.end_s} - a0) / {365 * DAY}.0 as exposure,
        -- the buying journey: leads created in the window start it soon after they were
        -- created, leads created before the window at any time of it
        case when created_s < {plan.start_s}
            then {plan.start_s} + floor(u(lead_num, 0, 'journey_start')
                * {plan.end_s - plan.start_s + JOURNEY_START_MEAN_DAYS * DAY})::bigint
            else a0 + floor(expo(lead_num, 0, 'journey_start') * {JOURNEY_START_MEAN_DAYS * DAY})::bigint
        end as journey_start,
        {JOURNEY_MIN_DAYS * DAY} + floor(expo(lead_num, 0, 'journey_len') * {JOURNEY_EXTRA_MEAN_DAYS * DAY})::bigint
            as journey_len
    from contacts"""


def journey_phases(plan: Plan) -> str:
    """The journey's end, its pricing and hand-raise phases, the engaged period around it, and
    the lead's first e-mail week and subscription."""
    return f"""
    select
        *,
        -- the journey may run past end_date: its later events and outcome are not known yet
        journey_start + journey_len as journey_end,
        case when created_s < {plan.start_s}
            then greatest(a0, journey_start
                - floor(expo(lead_num, 0, 'engaged_lead_in') * {ENGAGED_LEAD_IN_MEAN_DAYS * DAY})::bigint)
            else a0
        end as engaged_start,
        journey_start + journey_len
            + floor(expo(lead_num, 0, 'engaged_tail') * {ENGAGED_TAIL_MEAN_DAYS * DAY})::bigint as engaged_end,
        journey_start + floor({PRICING_FROM} * journey_len)::bigint as pricing_start,
        greatest(journey_start, journey_start + journey_len - {HAND_RAISE_DAYS * DAY}) as hand_raise_start,
        greatest(0, floor((created_s - {epoch(plan.first_tuesday, time(0))}) / {WEEK}))::integer as w0,
        u(lead_num, 0, 'subscribed') < {0.62 * plan.email_scale} as subscribed
    from hidden_traits"""


def engaged_weeks(plan: Plan) -> str:
    """The e-mail weeks of the engaged period."""
    first_tuesday = epoch(plan.first_tuesday, time(0))
    return f"""
    select
        *,
        floor((engaged_start - {first_tuesday}) / {WEEK})::integer as engaged_w0,
        floor((engaged_end - {first_tuesday}) / {WEEK})::integer as engaged_w1
    from journey_phases"""


def activity_counts(plan: Plan) -> str:
    """How many events of each stream the lead has: e-mail weeks, engaged browsing and social
    (by traits that say nothing of conversion), careers pages, and the journey's events (by intent)."""
    email_units = f"greatest(0, {plan.weeks} - w0) * 2"
    journey_scale = JOURNEY_INTENSITY * plan.web_scale
    return f"""
    select
        *,
        case when subscribed then {email_units} else 0 end as n_email_units,
        case when subscribed and u(lead_num, 0, 'unsubscribes') < 0.04
            then w0 + floor(u(lead_num, 0, 'unsub_week') * greatest(1, {plan.weeks} - w0))::integer
            else 1000000 end as unsub_week,
        u(lead_num, 0, 'thursday_segment') < 0.45 as thu_seg,
        0.04 + 0.6 * reader * reader as p_open,
        sigmoid(-0.2 + 0.8 * intent_z) as p_attend,
        cnt({7.0 * plan.web_scale} * exp(0.9 * browse_z) * exposure, lead_num, 0, 'n_blog') as n_blog,
        cnt({3.2 * plan.web_scale} * exp(0.9 * browse_z) * exposure, lead_num, 0, 'n_general') as n_general,
        cnt({1.0 * plan.web_scale} * exp(1.0 * social_z) * exposure, lead_num, 0, 'n_social') as n_social,
        -- scales multiplied here, not in SQL: a decimal literal times a decimal overflows at high scales
        cnt(
            (case when job_seeker then {5.0 * plan.web_scale} else {0.03 * plan.web_scale} end) * exposure,
            lead_num, 0, 'n_careers'
        ) as n_careers,
        cnt({1.2 * journey_scale} * exp(1.0 * intent_z), lead_num, 0, 'n_product') as n_product,
        cnt({0.35 * journey_scale} * exp(1.3 * intent_z), lead_num, 0, 'n_pricing') as n_pricing,
        cnt({0.25 * journey_scale} * exp(1.0 * intent_z), lead_num, 0, 'n_content') as n_content,
        cnt({0.12 * journey_scale} * exp(1.0 * intent_z), lead_num, 0, 'n_webinar') as n_webinar,
        (u(lead_num, 0, 'n_demo') < sigmoid(-4.0 + 1.5 * intent_z))::integer
            * (1 + (u(lead_num, 0, 'n_demo_again') < 0.15)::integer) as n_demo,
        (u(lead_num, 0, 'n_contact') < sigmoid(-4.6 + 1.3 * intent_z))::integer as n_contact
    from engaged_weeks"""
