{#- The events scoring may use, by the quarantine rules (models/quarantine/quarantine_events):
    only rows of a lead in the leads file, of a known event type (event_types seed, directly or via
    value_aliases) and with a plausible timestamp (from 2000 up to the current day); of an event
    exported twice (same event_id among those rows) one copy, picked by a fixed order; events
    without an id are never duplicates. A negative duration is read as unknown. -#}

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
    select events.*
    from events
    inner join leads
        on events.lead_id = leads.lead_id
    left join aliases
        on events.event_type = lower(aliases.raw_value)
    inner join event_types
        on coalesce(aliases.canonical_value, events.event_type) = event_types.event_type
    where {{ is_plausible_timestamp('events.occurred_at') }}
),

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
    from usable
),

final as (
    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        page_url,
        case when duration_seconds >= 0 then duration_seconds end as duration_seconds,
        campaign,
        content,
        device
    from numbered
    where copy_number = 1
)

select * from final
