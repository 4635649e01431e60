{{
    config(
        materialized='incremental',
        incremental_strategy=replace_days_strategy(),
        partition_by=replace_days_partition('event_date'),
        unique_key='event_date',
        on_schema_change='fail',
    )
}}

{#- The events scoring may use, by the quarantine rules (models/quarantine/quarantine_events):
    only rows of a lead in the leads file, of a known event type (event_types seed, directly or via
    value_aliases) and with a plausible timestamp (from 2000 up to the current day); of an event
    exported twice (same event_id among those rows) one copy, picked by a fixed order; events
    without an id are never duplicates. A negative duration is read as unknown.
    Stored for every day up to the latest as-of day run so far. A first run (or --full-refresh)
    reads every event; a later run replaces the days from activity_first_recomputed_day() to the
    as-of day and the days of every event of a lead it holds no event of yet, plus any older day
    whose stored copy of one of those events may now lose to the new one, each day from all of
    its events. The kept copies stored on other days take part in picking the copy, so the table
    equals a full rebuild (except for copies dated after the as-of day, seen once their day is
    stored). loaded_at tells int_lead_daily_activity_stored which days were replaced. -#}

-- quarantine_events scans the same landed events: built one after the other, the two biggest
-- scans of a run never share DuckDB's memory_limit (side by side they ran out of it at a million leads)
-- depends_on: {{ ref('quarantine_events') }}

with

events as {{ inline_cte() }} (
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

usable as {{ inline_cte() }} (
    -- the rows one copy of each event id is picked from
    select
        events.event_id,
        events.lead_id,
        events.event_type,
        events.occurred_at,
        events.page_url,
        events.duration_seconds,
        events.campaign,
        events.content,
        events.device,
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

stored as {{ inline_cte() }} (
    select * from {{ this }}
),

stored_leads as (
    select distinct lead_id from stored
),

new_leads as (
    select leads.lead_id
    from leads
    left join stored_leads
        on leads.lead_id = stored_leads.lead_id
    where stored_leads.lead_id is null
),

arrived as (
    -- the window's events, and every event of a lead the table has no row of yet
    -- (a semi-join on the few new leads: joining every event to the stored leads instead would
    -- hash the whole events table)
    select usable.*
    from usable
    cross join first_recomputed_day
    where usable.event_date <= {{ as_of_date() }}
        and (
            usable.event_date >= first_recomputed_day.first_day
            or usable.lead_id in (select new_leads.lead_id from new_leads)
        )
),

arrived_days as (
    select distinct event_date from arrived
),

arrived_ids as (
    select distinct event_id from arrived
    where event_id is not null
),

displaced_days as (
    -- a stored copy of an arrived event on another day may lose to it: that day is recomputed
    select distinct stored.event_date
    from stored
    inner join arrived_ids
        on stored.event_id = arrived_ids.event_id
    left join arrived_days
        on stored.event_date = arrived_days.event_date
    where arrived_days.event_date is null
        and stored.event_date <= {{ as_of_date() }}
),

recomputed_days as (
    select event_date from arrived_days
    union
    select event_date from displaced_days
),

day_events as (
    select
        arrived.*,
        true as is_recomputed
    from arrived
    union all
    select
        usable.*,
        true as is_recomputed
    from usable
    inner join displaced_days
        on usable.event_date = displaced_days.event_date
),

day_event_ids as (
    select distinct event_id from day_events
    where event_id is not null
),

stored_copies as (
    -- the kept copy of a recomputed event on a day not recomputed still wins when it comes
    -- first (a copy that lost before cannot win now: it comes after that kept copy)
    -- (a negative duration is stored as unknown: the order of such copies may differ)
    select
        stored.event_id,
        stored.lead_id,
        stored.event_type,
        stored.occurred_at,
        stored.page_url,
        stored.duration_seconds,
        stored.campaign,
        stored.content,
        stored.device,
        stored.event_date,
        false as is_recomputed
    from stored
    inner join day_event_ids
        on stored.event_id = day_event_ids.event_id
    left join recomputed_days
        on stored.event_date = recomputed_days.event_date
    where recomputed_days.event_date is null
),

candidates as (
    select * from day_events
    union all
    select * from stored_copies
),

{% else %}

candidates as (
    select
        usable.*,
        true as is_recomputed
    from usable
),

{% endif %}

duplicated_ids as (
    -- only ids given more than once need their copies ordered: a window over every row would sort them all
    select event_id from candidates
    where event_id is not null
    group by event_id
    having count(*) > 1
),

numbered as (
    select
        candidates.*,
        1 as copy_number
    from candidates
    left join duplicated_ids
        on candidates.event_id = duplicated_ids.event_id
    where duplicated_ids.event_id is null
    union all
    select
        candidates.*,
        row_number() over (
            partition by candidates.event_id
            order by {{ event_copy_order() }}
        ) as copy_number
    from candidates
    inner join duplicated_ids
        on candidates.event_id = duplicated_ids.event_id
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
