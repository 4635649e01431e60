{#- CRM stage changes known on the as-of date, with CRM stage names mapped to the canonical ones
    by the value_aliases seed. -#}

with

stages as (
    select * from {{ ref('stg_crm__lifecycle_stages') }}
),

aliases as (
    select * from {{ ref('value_aliases') }}
    where domain = 'lifecycle_stage'
),

final as (
    select
        stages.lead_id,
        coalesce(aliases.canonical_value, stages.stage) as stage,
        stages.entered_at,
        stages.reason
    from stages
    left join aliases
        on stages.stage = lower(aliases.raw_value)
    where stages.lead_id is not null
        and stages.entered_at < {{ as_of_cutoff() }}
        -- stage dates before 2000 or after today are quarantined (models/quarantine) and not used
        and {{ is_plausible_timestamp('stages.entered_at') }}
)

select * from final
