with

base as (
    select * from {{ ref('base_marketing__events') }}
),

final as (
    select
        event_id,
        lead_id,
        event_type,
        canonical_event_type,
        occurred_at,
        page_url,
        duration_seconds,
        campaign,
        content,
        device,
        _row_reason as row_reason
    from base
)

select * from final
