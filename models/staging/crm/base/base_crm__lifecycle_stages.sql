{#- Every raw row of the CRM lifecycle landing data: the text as delivered (_raw_*), the values as
    staging cleans them, and the first reason by priority the row cannot be used (null for a good
    row): a lead not in the leads file, a stage neither canonical nor mapped by value_aliases, a
    missing, unparseable or implausible entered_at. stg_crm__lifecycle_stages and
    quarantine_lifecycle read it. The source's own `reason` column stays `reason`. -#}

with

source as (
    select * from {{ landing_relation('crm', 'lifecycle') }}
),

leads as (
    select distinct lead_id from {{ ref('base_crm__leads') }}
    where lead_id is not null
),

aliases as (
    select * from {{ ref('value_aliases') }}
    where domain = 'lifecycle_stage'
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

cleaned as (
    select
        lead_id as _raw_lead_id,
        stage as _raw_stage,
        entered_at as _raw_entered_at,
        reason as _raw_reason,
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('stage') }}) as stage,
        {{ parse_as('entered_at', 'timestamp') }} as entered_at,
        {{ clean_text('reason') }} as reason
    from source
),

known_stages as (
    -- the cleaned stage names that are a canonical stage, directly or by value_aliases (one row
    -- each, so the rows below are never multiplied)
    select distinct cleaned.stage
    from cleaned
    left join aliases
        on cleaned.stage = lower(aliases.raw_value)
    inner join lifecycle_stages
        on coalesce(aliases.canonical_value, cleaned.stage) = lifecycle_stages.stage
),

final as (
    select
        cleaned.*,
        case
            when cleaned.lead_id is null then 'missing lead_id'
            when leads.lead_id is null then 'unknown lead'
            when known_stages.stage is null then 'unknown stage'
            when cleaned.entered_at is null then 'unparseable entered_at'
            when cleaned.entered_at >= {{ quality_future_cutoff() }} then 'entered_at in the future'
            when cleaned.entered_at < {{ quality_min_timestamp() }} then 'entered_at before 2000'
        end as _row_reason
    from cleaned
    left join leads
        on cleaned.lead_id = leads.lead_id
    left join known_stages
        on cleaned.stage = known_stages.stage
)

select * from final
