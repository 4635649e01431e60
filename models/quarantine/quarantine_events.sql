{#- Event rows of the landing file that cannot be scored as given, with their raw values, one row
    per bad raw row and the first reason by priority: reasons that keep the row out of scoring
    (is_dropped) first, then reasons where only one value is read as unknown. The same rules pick
    the events scoring uses in int_events_validated. -#}

with

source as {{ inline_cte() }} (
    select * from {{ landing_relation('marketing', 'events') }}
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

staged as {{ inline_cte() }} (
    -- the raw text, and the values as staging (stg_marketing__events) cleans them
    select
        event_id as raw_event_id,
        lead_id as raw_lead_id,
        event_type as raw_event_type,
        occurred_at as raw_occurred_at,
        page_url as raw_page_url,
        duration_seconds as raw_duration_seconds,
        campaign as raw_campaign,
        content as raw_content,
        device as raw_device,
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('event_type') }}) as event_type,
        {{ parse_as('occurred_at', 'timestamp') }} as occurred_at,
        lower({{ clean_text('page_url') }}) as page_url,
        {{ parse_as('duration_seconds', 'bigint') }} as duration_seconds,
        {{ clean_text('campaign') }} as campaign,
        {{ clean_text('content') }} as content,
        {{ clean_category('device') }} as device
    from source
),

row_checked as {{ inline_cte() }} (
    select
        staged.*,
        case
            when staged.lead_id is null then 'missing lead_id'
            when leads.lead_id is null then 'unknown lead'
            when event_types.event_type is null then 'unknown event_type'
            -- the raw value as text only here: a typed landing column is never formatted for the good rows
            when staged.occurred_at is null
                then
                    case
                        when {{ clean_text(raw_text('staged.raw_occurred_at')) }} is null then 'missing occurred_at'
                        else 'unparseable occurred_at'
                    end
            when staged.occurred_at >= {{ quality_future_cutoff() }} then 'occurred_at in the future'
            when staged.occurred_at < {{ quality_min_timestamp() }} then 'occurred_at before 2000'
        end as row_reason
    from staged
    left join leads
        on staged.lead_id = leads.lead_id
    left join aliases
        on staged.event_type = lower(aliases.raw_value)
    left join event_types
        on coalesce(aliases.canonical_value, staged.event_type) = event_types.event_type
),

duplicated_ids as (
    -- duplicates among the usable rows only; ordering just these ids' copies, not every row, is the cheap part
    select event_id from row_checked
    where event_id is not null
        and row_reason is null
    group by event_id
    having count(*) > 1
),

numbered as (
    -- in the order int_events_validated keeps one copy
    select
        row_checked.*,
        1 as copy_number
    from row_checked
    left join duplicated_ids
        on row_checked.event_id = duplicated_ids.event_id
        and row_checked.row_reason is null
    where duplicated_ids.event_id is null
    union all
    select
        row_checked.*,
        row_number() over (
            partition by row_checked.event_id
            order by {{ event_copy_order() }}
        ) as copy_number
    from row_checked
    inner join duplicated_ids
        on row_checked.event_id = duplicated_ids.event_id
        and row_checked.row_reason is null
),

checked as (
    select
        *,
        case
            when row_reason is not null then row_reason
            when copy_number > 1 then 'duplicate event_id'
            when duration_seconds is null and {{ clean_text(raw_text('raw_duration_seconds')) }} is not null
                then 'unparseable duration_seconds'
            when duration_seconds < 0 then 'negative duration_seconds'
        end as reason
    from numbered
),

final as (
    select
        raw_event_id as event_id,
        raw_lead_id as lead_id,
        raw_event_type as event_type,
        {{ raw_text('raw_occurred_at') }} as occurred_at,
        raw_page_url as page_url,
        {{ raw_text('raw_duration_seconds') }} as duration_seconds,
        raw_campaign as campaign,
        raw_content as content,
        raw_device as device,
        reason,
        reason not in ('unparseable duration_seconds', 'negative duration_seconds') as is_dropped,
        {{ as_of_date() }} as run_date
    from checked
    where reason is not null
)

select * from final
