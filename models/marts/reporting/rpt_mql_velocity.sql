{#- MQL volume over time: one row per scoring model and week (starting Monday) that has scored
    days in the history, with the leads that first became MQLs that week and how many of them
    reached sql by the as-of date. Days scored after the as-of date (a backfill of an earlier
    day) are left out, so any past day's report can be rebuilt. -#}

with

history as (
    select * from {{ ref('fct_lead_score_history') }}
    where as_of_date <= {{ as_of_date() }}
),

mql_dates as (
    -- the first MQL day is the minimum over the history, so it holds for any earlier as-of day
    select * from {{ ref('fct_lead_mql_dates') }}
    where first_mql_date <= {{ as_of_date() }}
),

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

history_weeks as (
    select
        model_id,
        lead_id,
        cast({{ dbt.date_trunc('week', 'as_of_date') }} as date) as week_start
    from history
),

scored_weeks as (
    select
        model_id,
        week_start,
        count(distinct lead_id) as scored_leads
    from history_weeks
    group by
        model_id,
        week_start
),

new_mqls as (
    select
        mql_dates.model_id,
        mql_dates.lead_id,
        cast({{ dbt.date_trunc('week', 'mql_dates.first_mql_date') }} as date) as week_start,
        coalesce(funnel.reached_sql, false) as reached_sql
    from mql_dates
    left join funnel
        on mql_dates.lead_id = funnel.lead_id
        and mql_dates.model_id = funnel.model_id
),

mql_weeks as (
    select
        model_id,
        week_start,
        count(distinct lead_id) as new_mqls,
        count(distinct case when reached_sql then lead_id end) as mqls_reaching_sql
    from new_mqls
    group by
        model_id,
        week_start
),

final as (
    select
        scored_weeks.model_id,
        scored_weeks.week_start,
        cast(coalesce(mql_weeks.new_mqls, 0) as bigint) as new_mqls,
        cast(coalesce(mql_weeks.mqls_reaching_sql, 0) as bigint) as mqls_reaching_sql,
        cast(round(1.0 * mql_weeks.mqls_reaching_sql / nullif(mql_weeks.new_mqls, 0), 4) as decimal(18, 4)) as mql_to_sql_rate,
        cast(scored_weeks.scored_leads as bigint) as scored_leads,
        {{ as_of_date() }} as as_of_date
    from scored_weeks
    left join mql_weeks
        on scored_weeks.model_id = mql_weeks.model_id
        and scored_weeks.week_start = mql_weeks.week_start
)

select * from final
