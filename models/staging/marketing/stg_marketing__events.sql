with

source as (
    select * from {{ landing_relation('marketing', 'events') }}
),

cleaned as (
    select
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
)

select * from cleaned
