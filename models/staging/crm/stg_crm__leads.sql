{%- set extra_columns = landing_extra_columns('crm', 'leads') %}

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
    {%- for column in extra_columns %},
        lower({{ clean_text(adapter.quote(column)) }}) as {{ adapter.quote(column) }}
        {%- endfor %}
    from source
),

deduplicated as (
    -- a lead exported twice is scored once: the earliest created copy, then a fixed order
    select
        *,
        row_number() over (
            partition by lead_id
            order by created_at, email, account_id, job_title
        ) as _copy_number
    from cleaned
),

final as (
    select
        lead_id,
        email,
        first_name,
        last_name,
        created_at,
        account_id,
        company_name,
        job_title,
        seniority,
        department,
        country,
        lead_source,
        product_interest,
        budget,
        purchase_timeline,
        stated_need
    {%- for column in extra_columns %},
        {{ adapter.quote(column) }}
        {%- endfor %}
    from deduplicated
    where _copy_number = 1
)

select * from final
