{{
    config(
        materialized='incremental',
        incremental_strategy=replace_days_strategy(),
        partition_by=replace_days_partition('event_date'),
        unique_key='event_date',
        on_schema_change='fail',
    )
}}

{#- The events scoring may use, by the rules quarantine_events reports by (base_marketing__events):
    only rows without a row_reason (a lead in the leads file, a known event type, directly or via
    value_aliases, and a plausible timestamp, from 2000 up to the current day); of an event
    exported twice (same event_id among those rows) one copy, picked by a fixed order; events
    without an id are never duplicates. A negative duration is read as unknown.
    Stored for every day up to the latest as-of day run so far, each day with one marker row (no
    event, day_fingerprint set: see macros/incremental/day_fingerprint.sql) that tells what the day
    was computed from. A first run (or --full-refresh) reads every event. A later run recomputes,
    each from all of its events:
      - the days up to the as-of day whose usable landed rows differ from the ones they were
        computed from (rows added, deleted or changed; a lead or an event type that became known
        or unknown; a day skipped; a day whose rows were all deleted, which keeps only its marker),
        and the lookback window (activity_lookback_days) whatever its fingerprints;
      - the other days holding a copy of an event kept on a changed day: if the kept copy is gone
        or changed, another copy may win now (released days);
      - the days whose kept copy of an event may lose to a copy on a recomputed day (displaced
        days).
    The kept copies stored on days not recomputed take part in picking the copy, so the table equals
    a full rebuild (except for copies dated after the as-of day, seen once their day is stored).
    loaded_at tells int_lead_daily_activity_stored which days were replaced. -#}

-- quarantine_events scans the same landed events: built one after the other, the two biggest
-- scans of a run never share DuckDB's memory_limit (side by side they ran out of it at a million leads)
-- depends_on: {{ ref('quarantine_events') }}

{% if is_incremental() %}{% do require_day_fingerprints(this) %}{% endif %}

with

events as {{ inline_cte() }} (
    select * from {{ ref('stg_marketing__events') }}
),

usable as {{ inline_cte() }} (
    -- the rows one copy of each event id is picked from: those without a row_reason
    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        page_url,
        duration_seconds,
        campaign,
        content,
        device,
        cast(occurred_at as date) as event_date,
        -- every value the stored day depends on, the canonical event type too: editing
        -- value_aliases or event_types recomputes the days it touches
        {{ fingerprint_row_hash([
            'event_id',
            'lead_id',
            'event_type',
            'canonical_event_type',
            'occurred_at',
            'page_url',
            'duration_seconds',
            'campaign',
            'content',
            'device',
        ]) }} as row_hash
    from events
    where row_reason is null
),

landed_days as (
    -- what each day up to the as-of day is computed from now
    select
        event_date,
        {{ day_fingerprint('row_hash') }} as day_fingerprint
    from usable
    where event_date <= {{ as_of_date() }}
    group by event_date
),

{% if is_incremental() %}

stored as {{ inline_cte() }} (
    select * from {{ this }}
),

stored_days as (
    -- what each stored day was computed from, on its marker row
    select
        event_date,
        day_fingerprint
    from stored
    where day_fingerprint is not null
        and event_date <= {{ as_of_date() }}
),

changed_days as (
    -- days whose usable rows changed, appeared or were all deleted
    select coalesce(landed_days.event_date, stored_days.event_date) as event_date
    from landed_days
    full outer join stored_days
        on landed_days.event_date = stored_days.event_date
    where coalesce(landed_days.day_fingerprint, {{ empty_day_fingerprint() }})
        <> coalesce(stored_days.day_fingerprint, {{ empty_day_fingerprint() }})
),

released_ids as (
    -- events kept on a changed day: their kept copy may be gone or changed (the kept copies
    -- of a day whose rows did not change are all still there)
    select distinct stored.event_id
    from stored
    inner join changed_days
        on stored.event_date = changed_days.event_date
    where stored.event_id is not null
),

released_days as (
    -- other days with a landed copy of such an event: it may win now (a semi-join built on the
    -- ids, usually none, so the events are then not read for it)
    select distinct cast(events.occurred_at as date) as event_date
    from events
    where events.event_id in (select released_ids.event_id from released_ids)
        and {{ is_plausible_timestamp('events.occurred_at') }}
        and cast(events.occurred_at as date) <= {{ as_of_date() }}
),

arrived_days as (
    -- the changed days, the lookback window whatever its fingerprints, and the released days
    select event_date from changed_days
    union
    select event_date from stored_days
    where event_date >= {{ activity_window_start() }}
    union
    select event_date from landed_days
    where event_date >= {{ activity_window_start() }}
    union
    select event_date from released_days
),

arrived as (
    -- the window by a filter, older days by a semi-join on those few days: a join of the
    -- events with arrived_days could hash every event instead
    select usable.*
    from usable
    where usable.event_date <= {{ as_of_date() }}
        and (
            usable.event_date >= {{ activity_window_start() }}
            or usable.event_date in (select arrived_days.event_date from arrived_days)
        )
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
        arrived.event_id,
        arrived.lead_id,
        arrived.event_type,
        arrived.occurred_at,
        arrived.page_url,
        arrived.duration_seconds,
        arrived.campaign,
        arrived.content,
        arrived.device,
        arrived.event_date,
        true as is_recomputed
    from arrived
    union all
    select
        usable.event_id,
        usable.lead_id,
        usable.event_type,
        usable.occurred_at,
        usable.page_url,
        usable.duration_seconds,
        usable.campaign,
        usable.content,
        usable.device,
        usable.event_date,
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

recomputed_days as (
    select event_date from landed_days
),

candidates as (
    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        page_url,
        duration_seconds,
        campaign,
        content,
        device,
        event_date,
        true as is_recomputed
    from usable
),

{% endif %}

duplicated_ids as (
    {{ duplicated_keys('candidates', 'event_id') }}
),

numbered as (
    {{ number_copies('candidates', 'duplicated_ids', 'event_id', event_copy_order()) }}
),

markers as (
    -- one row per recomputed day: what it was computed from (a day left without usable rows
    -- keeps only this row, which replaces its old rows)
    select
        recomputed_days.event_date,
        coalesce(landed_days.day_fingerprint, {{ empty_day_fingerprint() }}) as day_fingerprint
    from recomputed_days
    left join landed_days
        on recomputed_days.event_date = landed_days.event_date
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
        cast(null as {{ dbt.type_string() }}) as day_fingerprint,
        {{ run_loaded_at() }} as loaded_at
    from numbered
    where copy_number = 1
        and is_recomputed
        and occurred_at < {{ as_of_cutoff() }}
    union all
    select
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        event_date,
        cast(null as {{ dbt.type_string() }}) as page_url,
        cast(null as {{ dbt.type_bigint() }}) as duration_seconds,
        cast(null as {{ dbt.type_string() }}) as campaign,
        cast(null as {{ dbt.type_string() }}) as content,
        cast(null as {{ dbt.type_string() }}) as device,
        day_fingerprint,
        {{ run_loaded_at() }} as loaded_at
    from markers
)

select * from final
