{{ config(materialized='table') }}

{#- Per lead, event type and page category: counts, first and last day, active days and
    engagement time, up to the as-of date. -#}

with

daily as (
    select * from {{ ref('int_lead_daily_activity') }}
),

final as (
    select
        lead_id,
        event_type,
        page_category,
        sum(event_count) as event_count,
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date,
        count(*) as active_days,
        sum(duration_seconds) as duration_seconds
    from daily
    group by
        lead_id,
        event_type,
        page_category
)

select * from final
