{#- Per lead: the last day of engagement (event types flagged is_engagement) and of any event. -#}

with

stats as (
    select * from {{ ref('int_lead_event_stats') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

final as (
    select
        stats.lead_id,
        max(case when event_types.is_engagement then stats.last_activity_date end) as last_engagement_date,
        max(stats.last_activity_date) as last_event_date,
        min(stats.first_activity_date) as first_event_date
    from stats
    inner join event_types
        on stats.event_type = event_types.event_type
    group by stats.lead_id
)

select * from final
