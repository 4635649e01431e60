{{ config(materialized='view') }}

{#- The day each lead first became an MQL under each scoring model, from the score history up to
    the as-of date (as far back as the history goes: backfill to reach further). -#}

with

history as (
    -- point in time: a past day's run must not see MQL days scored after it
    select * from {{ ref('fct_lead_score_history') }}
    where as_of_date <= {{ as_of_date() }}
),

final as (
    select
        lead_id,
        model_id,
        min(case when is_mql then as_of_date end) as first_mql_date,
        max(case when is_mql then as_of_date end) as last_mql_date,
        min(as_of_date) as first_scored_date,
        max(as_of_date) as last_scored_date,
        count(case when is_mql then 1 end) as mql_days
    from history
    group by
        lead_id,
        model_id
)

select * from final
