{#- Per lead, day, event type and page category: counts and engagement time up to the as-of
    date, for the leads known that day. Every behaviour, negative and decay rule reads this (or
    the stats built from it), never the raw events. The aggregation itself is stored
    incrementally in int_lead_daily_activity_stored, which may hold later days than the as-of
    day of a backfill: they are cut off here, and so are its day marker rows. -#}

with

stored as (
    select * from {{ ref('int_lead_daily_activity_stored') }}
    where activity_date <= {{ as_of_date() }}
        and day_fingerprint is null
),

leads as (
    select lead_id from {{ ref('int_leads_enriched') }}
),

final as (
    select
        stored.lead_id,
        stored.activity_date,
        stored.event_type,
        stored.page_category,
        stored.event_count,
        stored.duration_seconds
    from stored
    inner join leads
        on stored.lead_id = leads.lead_id
)

select * from final
