with

base as (
    select * from {{ ref('base_crm__lifecycle_stages') }}
),

final as (
    select
        lead_id,
        stage,
        entered_at,
        reason
    from base
)

select * from final
