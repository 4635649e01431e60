{%- set extra_columns = landing_extra_columns('crm', 'accounts') %}

{#- Every raw row of the CRM accounts landing data: the text as delivered (_raw_*), the values as
    staging cleans them, which copy of an account id it is, and the first reason by priority the
    row cannot be used as given (null for a good row). stg_crm__accounts keeps the first copy of
    each account id, quarantine_accounts the rows with a reason. -#}

with

source as (
    select * from {{ landing_relation('crm', 'accounts') }}
),

cleaned as (
    select
        account_id as _raw_account_id,
        name as _raw_name,
        domain as _raw_domain,
        industry as _raw_industry,
        employee_count as _raw_employee_count,
        annual_revenue as _raw_annual_revenue,
        country as _raw_country,
        business_model as _raw_business_model,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        lower({{ clean_text('domain') }}) as domain,
        {{ clean_category('industry') }} as industry,
        {{ clean_text('employee_count') }} as _employee_count_text,
        {{ parse_as('employee_count', 'bigint') }} as employee_count,
        {{ clean_text('annual_revenue') }} as _annual_revenue_text,
        {{ parse_as('annual_revenue', 'decimal(18,2)') }} as annual_revenue,
        {{ clean_text('country') }} as country,
        {{ clean_category('business_model') }} as business_model
    {{- clean_custom_columns(extra_columns) }}
    from source
),

numbered as (
    -- an account exported twice must not duplicate its leads in the join downstream
    select
        *,
        row_number() over (
            partition by account_id
            order by account_name, domain, employee_count
        ) as _copy_number
    from cleaned
),

final as (
    select
        *,
        case
            when account_id is null then 'missing account_id'
            when _copy_number > 1 then 'duplicate account_id'
            when employee_count < 0 then 'negative employee_count'
            when _employee_count_text is not null and employee_count is null then 'unparseable employee_count'
            when _annual_revenue_text is not null and annual_revenue is null then 'unparseable annual_revenue'
        end as _row_reason
    from numbered
)

select * from final
