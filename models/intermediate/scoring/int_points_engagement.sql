{#- Depth and frequency of visits (behaviour component): points per minute of engagement time
    or per returning active day inside the rule's window, after `free_units`, capped at
    `max_points`. -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

daily as (
    select * from {{ ref('int_lead_daily_activity') }}
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

longest_window as (
    select max(window_days) as window_days
    from engagement_rules
),

recent as (
    -- the days any rule's window can see, before each rule is joined to them
    select daily.*
    from daily
    cross join longest_window
    where daily.activity_date > {{ dbt.dateadd('day', '-1 * longest_window.window_days', as_of_date()) }}
),

in_window as (
    select
        assigned.lead_id,
        assigned.model_id,
        engagement_rules.rule_id,
        engagement_rules.measure,
        recent.activity_date,
        recent.duration_seconds
    from assigned
    inner join engagement_rules
        on assigned.model_id = engagement_rules.model_id or engagement_rules.model_id = 'all'
    inner join recent
        on assigned.lead_id = recent.lead_id
        and engagement_rules.event_type = recent.event_type
        and recent.activity_date > {{ dbt.dateadd('day', '-1 * engagement_rules.window_days', as_of_date()) }}
),

measured as (
    select
        lead_id,
        model_id,
        rule_id,
        case
            when max(measure) = 'minutes' then floor(sum(duration_seconds) / 60.0)
            when max(measure) = 'active_days' then count(distinct activity_date)
        end as units
    from in_window
    group by
        lead_id,
        model_id,
        rule_id
),

pointed as (
    select
        measured.lead_id,
        measured.model_id,
        measured.rule_id,
        engagement_rules.description,
        engagement_rules.measure,
        measured.units,
        engagement_rules.max_points,
        case
            when measured.units > engagement_rules.free_units
                then (measured.units - engagement_rules.free_units) * engagement_rules.unit_points
            else 0
        end as raw_points
    from measured
    inner join engagement_rules
        on measured.rule_id = engagement_rules.rule_id
),

final as (
    select
        lead_id,
        model_id,
        'behaviour' as component,
        rule_id,
        description as rule_description,
        cast(cast(units as bigint) as {{ dbt.type_string() }}) || ' ' || replace(measure, '_', ' ') as evidence,
        cast(units as {{ score_type() }}) as units,
        {{ capped_points('raw_points', 'max_points') }}
    from pointed
    where raw_points <> 0
)

select * from final
