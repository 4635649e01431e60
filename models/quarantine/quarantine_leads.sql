{#- Lead rows of the landing file that cannot be scored as given, with their raw values, one row
    per bad raw row and the first reason by priority: reasons that keep the row out of scoring
    (is_dropped) first, then reasons where only one value is read as unknown. -#}

with

source as (
    select * from {{ landing_relation('crm', 'leads') }}
),

staged as (
    -- the raw text, and the values as staging (stg_crm__leads) cleans them
    select
        lead_id as raw_lead_id,
        email as raw_email,
        first_name as raw_first_name,
        last_name as raw_last_name,
        created_at as raw_created_at,
        account_id as raw_account_id,
        company_name as raw_company_name,
        job_title as raw_job_title,
        seniority as raw_seniority,
        department as raw_department,
        country as raw_country,
        lead_source as raw_lead_source,
        product_interest as raw_product_interest,
        budget as raw_budget,
        purchase_timeline as raw_purchase_timeline,
        stated_need as raw_stated_need,
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('email') }}) as email,
        {{ clean_text('created_at') }} as created_at_text,
        {{ parse_as('created_at', 'timestamp') }} as created_at,
        {{ clean_text('account_id') }} as account_id,
        lower({{ clean_text('job_title') }}) as job_title,
        {{ clean_text('budget') }} as budget_text,
        {{ parse_as('budget', 'decimal(18,2)') }} as budget
    from source
),

numbered as (
    -- the copy staging keeps is the earliest created, in the same order as stg_crm__leads
    select
        *,
        row_number() over (
            partition by lead_id
            order by created_at, email, account_id, job_title
        ) as copy_number
    from staged
),

checked as (
    select
        *,
        case
            when lead_id is null then 'missing lead_id'
            when copy_number > 1 then 'duplicate lead_id'
            when created_at >= {{ quality_future_cutoff() }} then 'created_at in the future'
            when email is not null and not {{ is_valid_email('email') }} then 'malformed email'
            when created_at_text is not null and created_at is null then 'unparseable created_at'
            when created_at < {{ quality_min_timestamp() }} then 'created_at before 2000'
            when budget_text is not null and budget is null then 'unparseable budget'
        end as reason
    from numbered
),

final as (
    select
        raw_lead_id as lead_id,
        raw_email as email,
        raw_first_name as first_name,
        raw_last_name as last_name,
        raw_created_at as created_at,
        raw_account_id as account_id,
        raw_company_name as company_name,
        raw_job_title as job_title,
        raw_seniority as seniority,
        raw_department as department,
        raw_country as country,
        raw_lead_source as lead_source,
        raw_product_interest as product_interest,
        raw_budget as budget,
        raw_purchase_timeline as purchase_timeline,
        raw_stated_need as stated_need,
        reason,
        reason in ('missing lead_id', 'duplicate lead_id', 'created_at in the future') as is_dropped,
        {{ as_of_date() }} as run_date
    from checked
    where reason is not null
)

select * from final
