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
    events and how much engagement time, for every day int_events_validated holds, each day with a
    marker row (no lead, event_count 0, day_fingerprint of the day's events as
    int_events_validated computed them). A first run (or --full-refresh) aggregates every event; a
    later run re-aggregates only the days int_events_validated replaced since (its marker rows
    loaded after the latest loaded_at stored here): the marker written for each of them replaces
    the day's rows, also when the day has no event left. int_lead_daily_activity reads it as of a
    day. Changing the page_categories seed needs a --full-refresh run. -#}

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

{% if is_incremental() %}{% do require_day_fingerprints(this) %}{% endif %}

reloaded_days as (
    -- the marker rows of the days int_events_validated (re)wrote since this table's last run
    select
        event_date,
        day_fingerprint,
        loaded_at
    from validated
    where day_fingerprint is not null
    {% if is_incremental() %}
        and loaded_at > (select max(loaded_at) from {{ this }})
    {% endif %}
),

events as (
    select validated.*
    from validated
    {% if is_incremental() %}
    inner join reloaded_days
        on validated.event_date = reloaded_days.event_date
    {% endif %}
    where validated.day_fingerprint is null
),

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

aggregated as (
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
),

final as (
    select
        lead_id,
        activity_date,
        event_type,
        page_category,
        event_count,
        duration_seconds,
        cast(null as {{ dbt.type_string() }}) as day_fingerprint,
        loaded_at
    from aggregated
    union all
    select
        cast(null as {{ dbt.type_string() }}) as lead_id,
        event_date as activity_date,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_string() }}) as page_category,
        cast(0 as bigint) as event_count,
        cast(0 as bigint) as duration_seconds,
        day_fingerprint,
        loaded_at
    from reloaded_days
)

select * from final
