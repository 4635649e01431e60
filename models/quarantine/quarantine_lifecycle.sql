{#- CRM stage rows of the landing file that cannot be used, with their raw values, one row per bad
    raw row and the first reason by priority (base_crm__lifecycle_stages). Every reason keeps the
    row out of scoring. The source's own `reason` column is named lifecycle_reason here. -#}

with

base as (
    select * from {{ ref('base_crm__lifecycle_stages') }}
),

final as (
    select
        _raw_lead_id as lead_id,
        _raw_stage as stage,
        _raw_entered_at as entered_at,
        _raw_reason as lifecycle_reason,
        _row_reason as reason,
        true as is_dropped,
        {{ as_of_date() }} as run_date
    from base
    where _row_reason is not null
)

select * from final
