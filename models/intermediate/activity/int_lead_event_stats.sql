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
        cast(sum(event_count) as bigint) as event_count,
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date,
        cast(count(*) as bigint) as active_days,
        cast(sum(duration_seconds) as bigint) as duration_seconds
    from daily
    group by
        lead_id,
        event_type,
        page_category
)

select * from final
