with

source as (
    select * from {{ landing_relation('crm', 'leads') }}
),

cleaned as (
    select
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('email') }}) as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ parse_as('created_at', 'timestamp') }} as created_at,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('company_name') }} as company_name,
        lower({{ clean_text('job_title') }}) as job_title,
        {{ clean_category('seniority') }} as seniority,
        {{ clean_category('department') }} as department,
        {{ clean_text('country') }} as country,
        {{ clean_category('lead_source') }} as lead_source,
        {{ clean_category('product_interest') }} as product_interest,
        {{ parse_as('budget', 'decimal(18,2)') }} as budget,
        {{ clean_category('purchase_timeline') }} as purchase_timeline,
        {{ clean_text('stated_need') }} as stated_need
        {%- for column in landing_extra_columns('crm', 'leads') %},
        {{ clean_category(column) }} as {{ column }}
        {%- endfor %}
    from source
)

select * from cleaned
