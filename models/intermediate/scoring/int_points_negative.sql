{#- Negative points, their own component: events that signal a poor lead (unsubscribe, bounce,
    job or investor pages), inactivity beyond a window, and sales rejection reasons. Each rule is
    floored at `min_points` so repeats cannot sink a lead without limit. -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

stats as (
    select * from {{ ref('int_lead_event_stats') }}
),

last_activity as (
    select * from {{ ref('int_lead_last_activity') }}
),

rejections as (
    select * from {{ ref('int_lead_rejections') }}
),

event_rules as (
    select * from {{ ref('int_event_rules_resolved') }}
    where component = 'negative'
),

negative_rules as (
    select * from {{ ref('negative_rules') }}
),

event_hits as (
    select
        assigned.lead_id,
        assigned.model_id,
        event_rules.rule_id,
        max(event_rules.description) as description,
        max(event_rules.points) + max(event_rules.repeat_points) * (sum(stats.event_count) - 1) as raw_points,
        max(event_rules.limit_points) as min_points,
        cast(sum(stats.event_count) as {{ dbt.type_string() }}) || ' events' as evidence,
        sum(stats.event_count) as units
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
        event_rules.rule_id
),

inactivity as (
    select
        assigned.lead_id,
        assigned.model_id,
        leads.created_at,
        coalesce(last_activity.last_engagement_date, cast(leads.created_at as date)) as active_since,
        negative_rules.rule_id,
        negative_rules.description,
        negative_rules.window_days,
        negative_rules.points,
        negative_rules.min_points
    from assigned
    inner join leads
        on assigned.lead_id = leads.lead_id
    left join last_activity
        on assigned.lead_id = last_activity.lead_id
    inner join negative_rules
        on negative_rules.rule_kind = 'inactivity'
        and (assigned.model_id = negative_rules.model_id or negative_rules.model_id = 'all')
),

inactivity_hits as (
    select
        lead_id,
        model_id,
        rule_id,
        description,
        points as raw_points,
        min_points,
        cast({{ dbt.datediff('active_since', as_of_date(), 'day') }} as {{ dbt.type_string() }}) || ' days without engagement' as evidence,
        {{ dbt.datediff('active_since', as_of_date(), 'day') }} as units
    from inactivity
    where {{ dbt.datediff('active_since', as_of_date(), 'day') }} > window_days
),

rejection_hits as (
    select
        assigned.lead_id,
        assigned.model_id,
        negative_rules.rule_id,
        max(negative_rules.description) as description,
        max(negative_rules.points) as raw_points,
        max(negative_rules.min_points) as min_points,
        'rejected: ' || max(rejections.reason) as evidence,
        count(*) as units
    from assigned
    inner join rejections
        on assigned.lead_id = rejections.lead_id
    inner join negative_rules
        on negative_rules.rule_kind = 'rejection_reason'
        and (assigned.model_id = negative_rules.model_id or negative_rules.model_id = 'all')
        and {{ attribute_matches('rejections.reason', 'negative_rules') }}
    group by
        assigned.lead_id,
        assigned.model_id,
        negative_rules.rule_id
),

hits as (
    select * from event_hits
    union all
    select * from inactivity_hits
    union all
    select * from rejection_hits
),

final as (
    select
        lead_id,
        model_id,
        'negative' as component,
        rule_id,
        description as rule_description,
        evidence,
        cast(units as {{ score_type() }}) as units,
        {{ floored_points('raw_points', 'min_points') }}
    from hits
    where raw_points <> 0
)

select * from final
