{{ config(materialized='table') }}

{#- One row per lead known on the as-of date, with its account's firmographics (prefixed
    account_) and its country resolved to an ISO code and a region. -#}

{%- set lead_extras = landing_extra_columns('crm', 'leads') -%}
{%- set account_extras = landing_extra_columns('crm', 'accounts') -%}

with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

countries as (
    select * from {{ ref('countries') }}
),

country_names as (
    select * from {{ ref('country_names') }}
),

leads_as_of as (
    -- the quarantine rules (models/quarantine): a lead without an id or created in the future is
    -- not scored; a malformed e-mail or a creation date before 2000 is scored as unknown
    select
        lead_id,
        case when {{ is_valid_email('email') }} then email end as email,
        first_name,
        last_name,
        case when created_at >= {{ quality_min_timestamp() }} then created_at end as created_at,
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
    {%- for column in lead_extras %},
        {{ adapter.quote(column) }}
        {%- endfor %}
    from leads
    where lead_id is not null
        and (created_at is null or created_at < {{ as_of_cutoff() }})
        and (created_at is null or created_at < {{ quality_future_cutoff() }})
),

country_keys as (
    -- a country is given as an alpha-2 code or as a name / alpha-3 code found in country_names
    select
        countries.country_code,
        lower(countries.country_code) as country_key,
        countries.region
    from countries
    union all
    select
        countries.country_code,
        country_names.country_name_key as country_key,
        countries.region
    from country_names
    inner join countries
        on country_names.country_code = countries.country_code
),

enriched as (
    select
        leads_as_of.lead_id,
        leads_as_of.email,
        leads_as_of.first_name,
        leads_as_of.last_name,
        leads_as_of.created_at,
        leads_as_of.account_id,
        coalesce(accounts.account_name, leads_as_of.company_name) as company_name,
        leads_as_of.job_title,
        leads_as_of.seniority,
        leads_as_of.department,
        leads_as_of.country as country_raw,
        lead_country.country_code,
        lead_country.region,
        leads_as_of.lead_source,
        leads_as_of.product_interest,
        leads_as_of.budget,
        leads_as_of.purchase_timeline,
        leads_as_of.stated_need,
        {{ dbt.split_part('leads_as_of.email', "'@'", 2) }} as email_domain,
        accounts.account_id is not null as has_account,
        accounts.domain as account_domain,
        accounts.industry as account_industry,
        -- a negative head count is quarantined and scored as unknown
        case when accounts.employee_count >= 0 then accounts.employee_count end as account_employee_count,
        accounts.annual_revenue as account_annual_revenue,
        account_country.country_code as account_country_code,
        account_country.region as account_region,
        accounts.business_model as account_business_model
    {%- for column in lead_extras %},
        leads_as_of.{{ adapter.quote(column) }}
        {%- endfor %}
    {%- for column in account_extras %},
        accounts.{{ adapter.quote(column) }} as {{ adapter.quote('account_' ~ column) }}
        {%- endfor %}
    from leads_as_of
    left join accounts
        on leads_as_of.account_id = accounts.account_id
    left join country_keys as lead_country
        on lower(leads_as_of.country) = lead_country.country_key
    left join country_keys as account_country
        on lower(accounts.country) = account_country.country_key
)

select * from enriched
