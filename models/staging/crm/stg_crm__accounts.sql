{%- set extra_columns = landing_extra_columns('crm', 'accounts') %}

with

source as (
    select * from {{ landing_relation('crm', 'accounts') }}
),

cleaned as (
    select
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        lower({{ clean_text('domain') }}) as domain,
        {{ clean_category('industry') }} as industry,
        {{ parse_as('employee_count', 'bigint') }} as employee_count,
        {{ parse_as('annual_revenue', 'decimal(18,2)') }} as annual_revenue,
        {{ clean_text('country') }} as country,
        {{ clean_category('business_model') }} as business_model
    {%- for column in extra_columns %},
        lower({{ clean_text(adapter.quote(column)) }}) as {{ adapter.quote(column) }}
        {%- endfor %}
    from source
),

deduplicated as (
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
        account_id,
        account_name,
        domain,
        industry,
        employee_count,
        annual_revenue,
        country,
        business_model
    {%- for column in extra_columns %},
        {{ adapter.quote(column) }}
        {%- endfor %}
    from deduplicated
    where _copy_number = 1
)

select * from final
