{%- set extra_columns = landing_extra_columns('crm', 'leads') %}

{#- Every raw row of the CRM leads landing data: the text as delivered (_raw_*), the values as
    staging cleans them, which copy of a lead id it is, and the first reason by priority the row
    cannot be used as given (null for a good row). stg_crm__leads keeps the first copy of each
    lead id, quarantine_leads the rows with a reason: both read these rules from here. -#}

with

source as (
    select * from {{ landing_relation('crm', 'leads') }}
),

cleaned as (
    select
        lead_id as _raw_lead_id,
        email as _raw_email,
        first_name as _raw_first_name,
        last_name as _raw_last_name,
        created_at as _raw_created_at,
        account_id as _raw_account_id,
        company_name as _raw_company_name,
        job_title as _raw_job_title,
        seniority as _raw_seniority,
        department as _raw_department,
        country as _raw_country,
        lead_source as _raw_lead_source,
        product_interest as _raw_product_interest,
        budget as _raw_budget,
        purchase_timeline as _raw_purchase_timeline,
        stated_need as _raw_stated_need,
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('email') }}) as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('created_at') }} as _created_at_text,
        {{ parse_as('created_at', 'timestamp') }} as created_at,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('company_name') }} as company_name,
        lower({{ clean_text('job_title') }}) as job_title,
        {{ clean_category('seniority') }} as seniority,
        {{ clean_category('department') }} as department,
        {{ clean_text('country') }} as country,
        {{ clean_category('lead_source') }} as lead_source,
        {{ clean_category('product_interest') }} as product_interest,
        {{ clean_text('budget') }} as _budget_text,
        {{ parse_as('budget', 'decimal(18,2)') }} as budget,
        {{ clean_category('purchase_timeline') }} as purchase_timeline,
        {{ clean_text('stated_need') }} as stated_need
    {{- clean_custom_columns(extra_columns) }}
    from source
),

numbered as (
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
        *,
        case
            when lead_id is null then 'missing lead_id'
            when _copy_number > 1 then 'duplicate lead_id'
            when created_at >= {{ quality_future_cutoff() }} then 'created_at in the future'
            when email is not null and not {{ is_valid_email('email') }} then 'malformed email'
            when _created_at_text is not null and created_at is null then 'unparseable created_at'
            when created_at < {{ quality_min_timestamp() }} then 'created_at before 2000'
            when _budget_text is not null and budget is null then 'unparseable budget'
        end as _row_reason
    from numbered
)

select * from final
