{#- Account rows of the landing file that cannot be used as given, with their raw values, one row
    per bad raw row and the first reason by priority: reasons that keep the row out of scoring
    (is_dropped) first, then reasons where only one value is read as unknown. -#}

with

source as (
    select * from {{ landing_relation('crm', 'accounts') }}
),

staged as (
    -- the raw text, and the values as staging (stg_crm__accounts) cleans them
    select
        account_id as raw_account_id,
        name as raw_name,
        domain as raw_domain,
        industry as raw_industry,
        employee_count as raw_employee_count,
        annual_revenue as raw_annual_revenue,
        country as raw_country,
        business_model as raw_business_model,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        lower({{ clean_text('domain') }}) as domain,
        {{ clean_text('employee_count') }} as employee_count_text,
        {{ parse_as('employee_count', 'bigint') }} as employee_count,
        {{ clean_text('annual_revenue') }} as annual_revenue_text,
        {{ parse_as('annual_revenue', 'decimal(18,2)') }} as annual_revenue
    from source
),

numbered as (
    -- the copy staging keeps, in the same order as stg_crm__accounts
    select
        *,
        row_number() over (
            partition by account_id
            order by account_name, domain, employee_count
        ) as copy_number
    from staged
),

checked as (
    select
        *,
        case
            when account_id is null then 'missing account_id'
            when copy_number > 1 then 'duplicate account_id'
            when employee_count < 0 then 'negative employee_count'
            when employee_count_text is not null and employee_count is null then 'unparseable employee_count'
            when annual_revenue_text is not null and annual_revenue is null then 'unparseable annual_revenue'
        end as reason
    from numbered
),

final as (
    select
        raw_account_id as account_id,
        raw_name as name,
        raw_domain as domain,
        raw_industry as industry,
        raw_employee_count as employee_count,
        raw_annual_revenue as annual_revenue,
        raw_country as country,
        raw_business_model as business_model,
        reason,
        reason in ('missing account_id', 'duplicate account_id') as is_dropped,
        {{ as_of_date() }} as run_date
    from checked
    where reason is not null
)

select * from final
