{{ config(materialized='view') }}

{#- One row per lead, scoring model and scored day that is old enough to judge the score by what
    happened next: the day lies at least conversion_window_days before the as-of date, so the
    whole window after it is known, and the lead was not yet at sql on that day. converted says
    whether the lead reached sql, or a later stage (a CRM may skip sql), within the window.
    The var observation_window_days, when set, judges over that many days instead (the backtest
    of a one-off export, whose outcomes are known for fewer days than the window); the reports
    never set it. -#}

{%- set observation_window_days = var('observation_window_days', none) %}

with

history as (
    select * from {{ ref('fct_lead_score_history') }}
),

stages as (
    select * from {{ ref('int_lifecycle_stages_as_of') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

report_settings as (
    select * from {{ ref('report_settings') }}
),

settings as (
    -- the days after an observation its outcome is judged over
    select
        {{ 'conversion_window_days' if observation_window_days is none else observation_window_days | int }}
            as judged_window_days
    from report_settings
),

sql_stage as (
    select stage_rank
    from lifecycle_stages
    where stage = 'sql'
),

sql_reached as (
    -- the first time each lead was at sql or beyond, as in fct_lead_funnel.sql_at
    select
        stages.lead_id,
        min(stages.entered_at) as sql_at
    from stages
    inner join lifecycle_stages
        on stages.stage = lifecycle_stages.stage
    inner join sql_stage
        on lifecycle_stages.stage_rank >= sql_stage.stage_rank
    group by stages.lead_id
),

old_enough as (
    -- the window after day d runs from the end of d to the end of d + conversion_window_days
    select
        history.model_id,
        history.lead_id,
        history.as_of_date as observed_on,
        history.total_score,
        sql_reached.sql_at,
        {{ dbt.dateadd('day', 1, 'cast(history.as_of_date as ' ~ dbt.type_timestamp() ~ ')') }} as window_start,
        {{ dbt.dateadd(
            'day',
            'settings.judged_window_days + 1',
            'cast(history.as_of_date as ' ~ dbt.type_timestamp() ~ ')'
        ) }} as window_end
    from history
    cross join settings
    left join sql_reached
        on history.lead_id = sql_reached.lead_id
    where {{ dbt.datediff('history.as_of_date', as_of_date(), 'day') }} >= settings.judged_window_days
),

final as (
    select
        model_id,
        lead_id,
        observed_on,
        total_score,
        coalesce(sql_at < window_end, false) as converted
    from old_enough
    -- a lead already at sql by the end of the day has nothing left to convert to
    where sql_at is null
        or sql_at >= window_start
)

select * from final
