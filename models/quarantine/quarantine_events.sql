{#- Event rows of the landing file that cannot be scored as given, with their raw values, one row
    per bad raw row and the first reason by priority: reasons that keep the row out of scoring
    (is_dropped) first, then reasons where only one value is read as unknown. The per-row reasons
    are base_marketing__events'; the copy of an event exported twice that is kept is picked as
    int_events_validated picks it (number_copies, event_copy_order). -#}

with

base as {{ inline_cte() }} (
    select * from {{ ref('base_marketing__events') }}
),

duplicated_ids as (
    -- duplicates among the usable rows only
    {{ duplicated_keys('base', 'event_id', among='_row_reason is null') }}
),

numbered as (
    {{ number_copies('base', 'duplicated_ids', 'event_id', event_copy_order(), among='_row_reason is null') }}
),

checked as (
    select
        *,
        case
            when _row_reason is not null then _row_reason
            when copy_number > 1 then 'duplicate event_id'
            else _value_reason
        end as reason
    from numbered
),

final as (
    select
        _raw_event_id as event_id,
        _raw_lead_id as lead_id,
        _raw_event_type as event_type,
        {{ raw_text('_raw_occurred_at') }} as occurred_at,
        _raw_page_url as page_url,
        {{ raw_text('_raw_duration_seconds') }} as duration_seconds,
        _raw_campaign as campaign,
        _raw_content as content,
        _raw_device as device,
        reason,
        reason not in ('unparseable duration_seconds', 'negative duration_seconds') as is_dropped,
        {{ as_of_date() }} as run_date
    from checked
    where reason is not null
)

select * from final
