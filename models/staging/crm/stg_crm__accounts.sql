{%- set extra_columns = landing_extra_columns('crm', 'accounts') %}

with

base as (
    select * from {{ ref('base_crm__accounts') }}
),

final as (
    -- an account exported twice must not duplicate its leads in the join downstream: the copy
    -- base_crm__accounts numbers first
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
    from base
    where _copy_number = 1
)

select * from final
