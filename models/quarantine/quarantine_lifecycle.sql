{#- CRM stage rows of the landing file that cannot be used, with their raw values, one row per bad
    raw row and the first reason by priority. Every reason keeps the row out of scoring. The
    source's own `reason` column is named lifecycle_reason here. -#}

with

source as (
    select * from {{ landing_relation('crm', 'lifecycle') }}
),

leads as (
    select distinct lead_id from {{ ref('stg_crm__leads') }}
    where lead_id is not null
),

aliases as (
    select * from {{ ref('value_aliases') }}
    where domain = 'lifecycle_stage'
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

staged as (
    -- the raw text, and the values as staging (stg_crm__lifecycle_stages) cleans them
    select
        lead_id as raw_lead_id,
        stage as raw_stage,
        entered_at as raw_entered_at,
        reason as raw_reason,
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('stage') }}) as stage,
        {{ parse_as('entered_at', 'timestamp') }} as entered_at
    from source
),

checked as (
    select
        staged.*,
        case
            when staged.lead_id is null then 'missing lead_id'
            when leads.lead_id is null then 'unknown lead'
            when lifecycle_stages.stage is null then 'unknown stage'
            when staged.entered_at is null then 'unparseable entered_at'
            when staged.entered_at >= {{ quality_future_cutoff() }} then 'entered_at in the future'
            when staged.entered_at < {{ quality_min_timestamp() }} then 'entered_at before 2000'
        end as reason
    from staged
    left join leads
        on staged.lead_id = leads.lead_id
    left join aliases
        on staged.stage = lower(aliases.raw_value)
    left join lifecycle_stages
        on coalesce(aliases.canonical_value, staged.stage) = lifecycle_stages.stage
),

final as (
    select
        raw_lead_id as lead_id,
        raw_stage as stage,
        raw_entered_at as entered_at,
        raw_reason as lifecycle_reason,
        reason,
        true as is_dropped,
        {{ as_of_date() }} as run_date
    from checked
    where reason is not null
)

select * from final
