{#- Account rows of the landing file that cannot be used as given, with their raw values, one row
    per bad raw row and the first reason by priority (base_crm__accounts): reasons that keep the
    row out of scoring (is_dropped) first, then reasons where only one value is read as unknown. -#}

with

base as (
    select * from {{ ref('base_crm__accounts') }}
),

final as (
    select
        _raw_account_id as account_id,
        _raw_name as name,
        _raw_domain as domain,
        _raw_industry as industry,
        _raw_employee_count as employee_count,
        _raw_annual_revenue as annual_revenue,
        _raw_country as country,
        _raw_business_model as business_model,
        _row_reason as reason,
        _row_reason in ('missing account_id', 'duplicate account_id') as is_dropped,
        {{ as_of_date() }} as run_date
    from base
    where _row_reason is not null
)

select * from final
