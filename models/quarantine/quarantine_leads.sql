{#- Lead rows of the landing file that cannot be scored as given, with their raw values, one row
    per bad raw row and the first reason by priority (base_crm__leads): reasons that keep the row
    out of scoring (is_dropped) first, then reasons where only one value is read as unknown. -#}

with

base as (
    select * from {{ ref('base_crm__leads') }}
),

final as (
    select
        _raw_lead_id as lead_id,
        _raw_email as email,
        _raw_first_name as first_name,
        _raw_last_name as last_name,
        _raw_created_at as created_at,
        _raw_account_id as account_id,
        _raw_company_name as company_name,
        _raw_job_title as job_title,
        _raw_seniority as seniority,
        _raw_department as department,
        _raw_country as country,
        _raw_lead_source as lead_source,
        _raw_product_interest as product_interest,
        _raw_budget as budget,
        _raw_purchase_timeline as purchase_timeline,
        _raw_stated_need as stated_need,
        _row_reason as reason,
        _row_reason in ('missing lead_id', 'duplicate lead_id', 'created_at in the future') as is_dropped,
        {{ as_of_date() }} as run_date
    from base
    where _row_reason is not null
)

select * from final
