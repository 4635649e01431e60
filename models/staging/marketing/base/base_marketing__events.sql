{#- Every raw row of the marketing events landing data: the text as delivered (_raw_*), the values
    as staging cleans them, the canonical event type (event_types, directly or by value_aliases),
    and the reasons by priority a row cannot be used as given: _row_reason keeps it out of scoring
    (no lead, a lead not in the leads file, an unknown event type, a missing, unparseable or
    implausible occurred_at), _value_reason reads one value as unknown (the duration). Which copy
    of an event exported twice is kept is not a per-row rule: int_events_validated and
    quarantine_events pick it by number_copies() and event_copy_order(). -#}

with

source as {{ inline_cte() }} (
    select * from {{ landing_relation('marketing', 'events') }}
),

leads as (
    select distinct lead_id from {{ ref('base_crm__leads') }}
    where lead_id is not null
),

aliases as (
    select * from {{ ref('value_aliases') }}
    where domain = 'event_type'
),

event_types as (
    select * from {{ ref('event_types') }}
),

cleaned as {{ inline_cte() }} (
    select
        event_id as _raw_event_id,
        lead_id as _raw_lead_id,
        event_type as _raw_event_type,
        occurred_at as _raw_occurred_at,
        page_url as _raw_page_url,
        duration_seconds as _raw_duration_seconds,
        campaign as _raw_campaign,
        content as _raw_content,
        device as _raw_device,
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

final as (
    select
        cleaned.*,
        event_types.event_type as canonical_event_type,
        case
            when cleaned.lead_id is null then 'missing lead_id'
            when leads.lead_id is null then 'unknown lead'
            when event_types.event_type is null then 'unknown event_type'
            -- the raw value as text only here: a typed landing column is never formatted for the good rows
            when cleaned.occurred_at is null
                then
                    case
                        when {{ clean_text(raw_text('cleaned._raw_occurred_at')) }} is null then 'missing occurred_at'
                        else 'unparseable occurred_at'
                    end
            when cleaned.occurred_at >= {{ quality_future_cutoff() }} then 'occurred_at in the future'
            when cleaned.occurred_at < {{ quality_min_timestamp() }} then 'occurred_at before 2000'
        end as _row_reason,
        case
            when cleaned.duration_seconds is null and {{ clean_text(raw_text('cleaned._raw_duration_seconds')) }} is not null
                then 'unparseable duration_seconds'
            when cleaned.duration_seconds < 0 then 'negative duration_seconds'
        end as _value_reason
    from cleaned
    left join leads
        on cleaned.lead_id = leads.lead_id
    left join aliases
        on cleaned.event_type = lower(aliases.raw_value)
    left join event_types
        on coalesce(aliases.canonical_value, cleaned.event_type) = event_types.event_type
)

select * from final
