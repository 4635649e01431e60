{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_date',
        on_schema_change='fail',
    )
}}

{#- The events scoring may use, by the quarantine rules (models/quarantine/quarantine_events):
    only rows of a lead in the leads file, of a known event type (event_types seed, directly or via
    value_aliases) and with a plausible timestamp (from 2000 up to the current day); of an event
    exported twice (same event_id among those rows) one copy, picked by a fixed order among all
    copies; events without an id are never duplicates. A negative duration is read as unknown.
    Stored for every day up to the latest as-of day run so far. A first run (or --full-refresh)
    reads every event; a later run replaces only the days from activity_first_recomputed_day() to
    the as-of day, the days of every event of a lead it has no event of yet, and the days of other
    copies of those days' events, each day from all its events and with every copy of them in
    view, so the table equals a full rebuild. loaded_at tells int_lead_daily_activity_stored which
    days were replaced. -#}

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

usable as (
    -- the rows one copy of each event id is picked from
    select
        events.*,
        cast(events.occurred_at as date) as event_date
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
    select {{ activity_first_recomputed_day(this, 'event_date') }} as first_day
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

final as (
    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        event_date,
        page_url,
        case when duration_seconds >= 0 then duration_seconds end as duration_seconds,
        campaign,
        content,
        device,
        {{ run_loaded_at() }} as loaded_at
    from numbered
    where copy_number = 1
        and is_recomputed
        and occurred_at < {{ as_of_cutoff() }}
)

select * from final

