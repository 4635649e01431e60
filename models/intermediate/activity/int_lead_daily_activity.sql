{{ config(materialized='table') }}

{#- The one pass over events: per lead, day, event type and page category, how many events and
    how much engagement time, up to the as-of date. Every behaviour, negative and decay rule reads
    this table (or the stats built from it), never the raw events.
    Events come deduplicated and without unusable timestamps from int_events_validated; events of
    unknown leads or unknown types are left out here. -#}

with

events as (
    select * from {{ ref('int_events_validated') }}
),

leads as (
    select lead_id from {{ ref('int_leads_enriched') }}
),

aliases as (
    select * from {{ ref('value_aliases') }}
    where domain = 'event_type'
),

event_types as (
    select * from {{ ref('event_types') }}
),

page_urls as (
    select * from {{ ref('int_page_urls_categorized') }}
),

canonical as (
    select
        events.lead_id,
        cast(events.occurred_at as date) as activity_date,
        coalesce(aliases.canonical_value, events.event_type) as event_type,
        case
            when events.page_url is null then 'none'
            else page_urls.page_category
        end as page_category,
        events.duration_seconds
    from events
    left join aliases
        on events.event_type = lower(aliases.raw_value)
    left join page_urls
        on events.page_url = page_urls.page_url
    where events.occurred_at < {{ as_of_cutoff() }}
),

final as (
    select
        canonical.lead_id,
        canonical.activity_date,
        canonical.event_type,
        canonical.page_category,
        cast(count(*) as bigint) as event_count,
        cast(coalesce(sum(canonical.duration_seconds), 0) as bigint) as duration_seconds
    from canonical
    inner join event_types
        on canonical.event_type = event_types.event_type
    inner join leads
        on canonical.lead_id = leads.lead_id
    group by
        canonical.lead_id,
        canonical.activity_date,
        canonical.event_type,
        canonical.page_category
)

select * from final
