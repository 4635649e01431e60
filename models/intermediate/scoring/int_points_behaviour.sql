{#- Behaviour points per event rule: the first event earns `points`, each repeat earns
    `repeat_points`, and the rule never gives more than `max_points` (its cap). -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

stats as (
    select * from {{ ref('int_lead_event_stats') }}
),

event_rules as (
    select * from {{ ref('int_event_rules_resolved') }}
    where component = 'behaviour'
),

counted as (
    select
        assigned.lead_id,
        assigned.model_id,
        event_rules.rule_id,
        event_rules.description,
        event_rules.points,
        event_rules.repeat_points,
        event_rules.limit_points,
        sum(stats.event_count) as event_count
    from assigned
    inner join stats
        on assigned.lead_id = stats.lead_id
    inner join event_rules
        on assigned.model_id = event_rules.model_id
        and stats.event_type = event_rules.event_type
        and stats.page_category = event_rules.page_category
    group by
        assigned.lead_id,
        assigned.model_id,
        event_rules.rule_id,
        event_rules.description,
        event_rules.points,
        event_rules.repeat_points,
        event_rules.limit_points
),

pointed as (
    select
        lead_id,
        model_id,
        rule_id,
        description,
        event_count,
        limit_points,
        points + repeat_points * (event_count - 1) as raw_points
    from counted
),

final as (
    select
        lead_id,
        model_id,
        'behaviour' as component,
        rule_id,
        description as rule_description,
        cast(event_count as {{ dbt.type_string() }}) || ' events' as evidence,
        cast(event_count as {{ score_type() }}) as units,
        {{ capped_points('raw_points', 'limit_points') }}
    from pointed
    where raw_points <> 0
)

select * from final
