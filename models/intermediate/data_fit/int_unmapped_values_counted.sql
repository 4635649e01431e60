{#- Event types and CRM stages found in the landing data that are neither canonical nor mapped by
    value_aliases, with their rows and leads: the quarantine drops these rows as `unknown
    event_type` / `unknown stage`. Values are cleaned as staging cleans them (trimmed,
    lower-cased), which is the spelling a value_aliases row matches. -#}

with

quarantined_events as (
    select * from {{ ref('quarantine_events') }}
    where reason = 'unknown event_type'
),

quarantined_stages as (
    select * from {{ ref('quarantine_lifecycle') }}
    where reason = 'unknown stage'
),

unmapped as (
    select
        'event_type' as domain,
        lower({{ clean_text('event_type') }}) as raw_value,
        {{ clean_text('lead_id') }} as lead_id
    from quarantined_events
    union all
    select
        'lifecycle_stage' as domain,
        lower({{ clean_text('stage') }}) as raw_value,
        {{ clean_text('lead_id') }} as lead_id
    from quarantined_stages
),

final as (
    select
        domain,
        raw_value,
        cast(count(*) as bigint) as landed_rows,
        cast(count(distinct lead_id) as bigint) as leads
    from unmapped
    group by
        domain,
        raw_value
)

select * from final
