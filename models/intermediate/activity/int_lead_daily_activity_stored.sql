{{
    config(
        materialized='incremental',
        incremental_strategy=replace_days_strategy(),
        partition_by=replace_days_partition('activity_date'),
        unique_key='activity_date',
        on_schema_change='fail',
    )
}}

{#- The one pass over events, stored: per lead, day, event type and page category, how many
    events and how much engagement time, for every day int_events_validated holds. A first run
    (or --full-refresh) aggregates every event; a later run re-aggregates only the days
    int_events_validated replaced since (rows loaded after the latest loaded_at stored here).
    int_lead_daily_activity reads it as of a day. Changing the event_types, value_aliases or
    page_categories seeds needs a --full-refresh run. -#}

with

validated as {{ inline_cte() }} (
    select * from {{ ref('int_events_validated') }}
),

aliases as (
    select * from {{ ref('value_aliases') }}
    where domain = 'event_type'
),

page_urls as (
    select * from {{ ref('int_page_urls_categorized') }}
),

{% if is_incremental() %}

reloaded_days as (
    select distinct event_date
    from validated
    where loaded_at > (select max(loaded_at) from {{ this }})
),

events as (
    select validated.*
    from validated
    inner join reloaded_days
        on validated.event_date = reloaded_days.event_date
),

{% else %}

events as (
    select * from validated
),

{% endif %}

canonical as (
    select
        events.lead_id,
        events.event_date as activity_date,
        coalesce(aliases.canonical_value, events.event_type) as event_type,
        case
            when events.page_url is null then 'none'
            else page_urls.page_category
        end as page_category,
        events.duration_seconds,
        events.loaded_at
    from events
    left join aliases
        on events.event_type = lower(aliases.raw_value)
    left join page_urls
        on events.page_url = page_urls.page_url
),

final as (
    select
        lead_id,
        activity_date,
        event_type,
        page_category,
        cast(count(*) as bigint) as event_count,
        cast(coalesce(sum(duration_seconds), 0) as bigint) as duration_seconds,
        max(loaded_at) as loaded_at
    from canonical
    group by
        lead_id,
        activity_date,
        event_type,
        page_category
)

select * from final
