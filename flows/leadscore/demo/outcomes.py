"""What became of each lead: sql at the end of its journey (or not), opportunity, won or lost,
and sales' rejection of journeys that ended without sql, with their times and reasons; and the
lifecycle file written from them.

The functions named for a step are steps (CTEs) of the leads query in `leads.py`.
"""

from __future__ import annotations

from leadscore.demo.model import (
    OPP_FIT,
    OPP_INTENT,
    OPP_INTERCEPT,
    REJECTED_BAD_FIT,
    REJECTED_BAD_FIT_NOTICED,
    REJECTED_BUSY_JOURNEY,
    REJECTED_HAND_RAISER,
    REJECTED_OTHER,
    SQL_DELAY_MEAN_DAYS,
    WON_FIT,
    WON_INTENT,
    WON_INTERCEPT,
    sql_logit_sql,
)
from leadscore.demo.plan import DAY, Plan
from leadscore.demo.sql_text import element, pick
from leadscore.demo.vocabulary import LOST_REASONS, REJECTION_FALLBACK


def conversion_draws() -> str:
    """The planted truth: sql at the end of the journey, with odds set by fit and by what the
    lead did on its journey (job seekers never convert); and whether an sql would pass to
    opportunity and an opportunity be won."""
    return f"""
    select
        *,
        not job_seeker and u(lead_num, 0, 'cv_sql') < sigmoid({sql_logit_sql()}) as converts,
        journey_end + 3600 + floor(expo(lead_num, 0, 'sql_delay') * {SQL_DELAY_MEAN_DAYS * DAY})::bigint as sql_s,
        u(lead_num, 0, 'cv_opp') < sigmoid({OPP_INTERCEPT} + {OPP_FIT} * fit + {OPP_INTENT} * intent_z)
            as pass_opp,
        u(lead_num, 0, 'cv_won') < sigmoid({WON_INTERCEPT} + {WON_FIT} * fit + {WON_INTENT} * intent_z)
            as pass_won
    from activity_counts"""


def stages_reached(plan: Plan) -> str:
    """The stages reached by end_date, and what sales sees of a journey that ended without sql."""
    return f"""
    select
        *,
        -- a conversion after end_date has not happened yet
        converts and sql_s <= {plan.end_s} as reach_sql,
        converts and sql_s <= {plan.end_s} and pass_opp as reach_opp,
        converts and sql_s <= {plan.end_s} and pass_opp and pass_won as won,
        converts and sql_s <= {plan.end_s} and pass_opp and not pass_won as lost,
        journey_end + 1800 + floor(expo(lead_num, 0, 'rej_delay') * {2 * DAY})::bigint as rejected_s,
        (n_demo + n_contact > 0) as hand_raiser,
        ((n_content > 0)::integer + (n_webinar > 0)::integer + (n_pricing > 0)::integer >= 2) as busy_journey,
        (is_competitor or seniority = 'student' or is_personal) as bad_fit
    from conversion_draws"""


def opportunities_and_rejections(plan: Plan) -> str:
    """When an sql became an opportunity, won leads that skipped sql, and sales' rejections."""
    return f"""
    select
        *,
        -- a stage that would naturally land after end_date is pulled into the time left
        sql_s + least(floor((2 + 10 * expo(lead_num, 0, 'opp_delay')) * {DAY})::bigint,
            floor(u(lead_num, 0, 'opp_left') * ({plan.end_s} - sql_s))::bigint) as opp_s,
        won and u(lead_num, 0, 'skip_sql') < 0.05 as skip_sql,
        -- sales looks at the leads that raised a hand or did much on their journey, and
        -- rejects many of those whose journey ended without sql
        not converts and rejected_s <= {plan.end_s} and u(lead_num, 0, 'rejected') < case
            when bad_fit and (hand_raiser or busy_journey) then {REJECTED_BAD_FIT_NOTICED}
            when bad_fit then {REJECTED_BAD_FIT}
            when hand_raiser then {REJECTED_HAND_RAISER}
            when busy_journey then {REJECTED_BUSY_JOURNEY}
            else {REJECTED_OTHER} end as rejected
    from stages_reached"""


def close_times(plan: Plan) -> str:
    """When an opportunity was won or lost (pulled before end_date like the opportunity)."""
    return f"""
    select
        *,
        opp_s + least(floor((10 + 40 * expo(lead_num, 0, 'close_delay')) * {DAY})::bigint,
            floor(u(lead_num, 0, 'close_left') * ({plan.end_s} - opp_s))::bigint) as close_s
    from opportunities_and_rejections"""


def reasons() -> str:
    """Why sales rejected a lead (from what the lead says of itself), and why a deal was lost."""
    return f"""
    select
        *,
        case
            when is_competitor then 'Competitor'
            when seniority = 'student' then 'Student / not a buyer'
            when is_personal or h_employees < 20 then 'Not a fit - too small'
            when purchase_timeline = 'no_plans' then 'Bad timing'
            when budget < 5000 then 'No budget'
            else {element(REJECTION_FALLBACK, "u(lead_num, 0, 'rej_reason')")}
        end as rejected_reason,
        {pick("u(lead_num, 0, 'lost_reason')", LOST_REASONS)} as lost_reason
    from close_times"""


def lifecycle_sql() -> str:
    """The lifecycle file: one row per stage a lead entered, in lead and stage order."""
    return """
    select lead_id, stage, make_timestamp(t * 1000000) as entered_at, reason
    from (
        select lead_num, lead_id, 'sql' as stage, 1 as ord, sql_s as t, null::varchar as reason
        from lead_state where reach_sql and not skip_sql
        union all
        select lead_num, lead_id, 'opportunity', 2, opp_s, null from lead_state where reach_opp
        union all
        select lead_num, lead_id, 'won', 3, close_s, null from lead_state where won
        union all
        select lead_num, lead_id, 'lost', 3, close_s, lost_reason from lead_state where lost
        union all
        select lead_num, lead_id, 'rejected', 1, rejected_s, rejected_reason from lead_state where rejected
    )
    order by lead_num, ord
    """
