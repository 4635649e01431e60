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
        {%- for column in landing_extra_columns('crm', 'accounts') %},
        {{ clean_category(column) }} as {{ column }}
        {%- endfor %}
    from source
)

select * from cleaned
