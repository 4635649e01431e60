{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='activity_date',
        on_schema_change='fail',
    )
}}

{#- The one pass over events, stored: per lead, day, event type and page category, how many
    events and how much engagement time, for every day up to the as-of day of the runs so far.
    A first run (or --full-refresh) aggregates every event; a later run recomputes only the days
    from activity_first_recomputed_day() to the as-of day, the days of every event of a lead not
    stored yet, and the days of other copies of those days' events, each from all its events, so
    the result is the same as a full rebuild. int_lead_daily_activity reads it as of a day.
    Events are the ones int_events_validated keeps (same rules, one copy per event id picked
    among all copies). Changing the event_types, value_aliases or page_categories seeds needs a
    --full-refresh run. -#}

with

events as (
    select * from {{ ref('stg_marketing__events') }}
),

leads as (
    select distinct lead_id from {{ ref('stg_crm__leads') }}
    where lead_id is not null
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

usable as (
    -- the rows int_events_validated picks one copy of each event id from
    select
        events.*,
        cast(events.occurred_at as date) as event_date,
        event_types.event_type as canonical_event_type
    from events
    inner join leads
        on events.lead_id = leads.lead_id
    left join aliases
        on events.event_type = lower(aliases.raw_value)
    inner join event_types
        on coalesce(aliases.canonical_value, events.event_type) = event_types.event_type
    where {{ is_plausible_timestamp('events.occurred_at') }}
),

{% if is_incremental() %}

first_recomputed_day as (
    select {{ activity_first_recomputed_day(this) }} as first_day
),

stored_leads as (
    select distinct lead_id from {{ this }}
),

arrived as (
    -- the window's events, and every event of a lead the table has no row of yet
    select
        usable.event_id,
        usable.event_date
    from usable
    cross join first_recomputed_day
    left join stored_leads
        on usable.lead_id = stored_leads.lead_id
    where usable.event_date <= {{ as_of_date() }}
        and (
            usable.event_date >= first_recomputed_day.first_day
            or stored_leads.lead_id is null
        )
),

arrived_ids as (
    select distinct event_id from arrived
    where event_id is not null
),

arrived_copies as (
    -- a new copy can displace the kept copy of an older day: that day is recomputed too
    select usable.event_date
    from usable
    inner join arrived_ids
        on usable.event_id = arrived_ids.event_id
    where usable.event_date <= {{ as_of_date() }}
),

recomputed_days as (
    select event_date from arrived
    union
    select event_date from arrived_copies
),

day_events as (
    select
        usable.*,
        true as is_recomputed
    from usable
    inner join recomputed_days
        on usable.event_date = recomputed_days.event_date
),

day_event_ids as (
    select distinct event_id from day_events
    where event_id is not null
),

outside_copies as (
    -- copies on days not recomputed still decide which copy of an event is kept
    select
        usable.*,
        false as is_recomputed
    from usable
    inner join day_event_ids
        on usable.event_id = day_event_ids.event_id
    left join recomputed_days
        on usable.event_date = recomputed_days.event_date
    where recomputed_days.event_date is null
),

candidates as (
    select * from day_events
    union all
    select * from outside_copies
),

{% else %}

candidates as (
    select
        usable.*,
        true as is_recomputed
    from usable
),

{% endif %}

numbered as (
    select
        *,
        case
            when event_id is null then 1
            else row_number() over (
                partition by event_id
                order by {{ event_copy_order() }}
            )
        end as copy_number
    from candidates
),

kept as (
    select * from numbered
    where copy_number = 1
        and is_recomputed
        and occurred_at < {{ as_of_cutoff() }}
),

canonical as (
    select
        kept.lead_id,
        kept.event_date as activity_date,
        kept.canonical_event_type as event_type,
        case
            when kept.page_url is null then 'none'
            else page_urls.page_category
        end as page_category,
        case when kept.duration_seconds >= 0 then kept.duration_seconds end as duration_seconds
    from kept
    left join page_urls
        on kept.page_url = page_urls.page_url
),

final as (
    select
        lead_id,
        activity_date,
        event_type,
        page_category,
        cast(count(*) as bigint) as event_count,
        cast(coalesce(sum(duration_seconds), 0) as bigint) as duration_seconds
    from canonical
    group by
        lead_id,
        activity_date,
        event_type,
        page_category
)

select * from final
