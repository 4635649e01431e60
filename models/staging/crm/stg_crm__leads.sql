{%- set extra_columns = landing_extra_columns('crm', 'leads') %}

with

base as (
    select * from {{ ref('base_crm__leads') }}
),

final as (
    -- a lead exported twice is scored once: the copy base_crm__leads numbers first
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
    from base
    where _copy_number = 1
)

select * from final
