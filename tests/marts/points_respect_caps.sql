{#- Caps and floors hold in the ledger: a behaviour row never gives more than its rule's
    max_points (behaviour_rules or engagement_rules), a negative or decay row never takes more
    than its rule's floor min_points (negative_rules or decay_rules). A ledger row whose rule is
    not in its component's seed cannot be checked and fails too. Fit rules have no limit.
    Returns the offending ledger rows with the limit they break. -#}

with

points as (
    select * from {{ ref('fct_lead_score_points') }}
    where component in ('behaviour', 'negative', 'decay')
),

behaviour_rules as (
    select * from {{ ref('behaviour_rules') }}
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

negative_rules as (
    select * from {{ ref('negative_rules') }}
),

decay_rules as (
    select * from {{ ref('decay_rules') }}
),

rule_limits as (
    select
        'behaviour' as component,
        rule_id,
        max_points as limit_points
    from behaviour_rules
    union all
    select
        'behaviour' as component,
        rule_id,
        max_points as limit_points
    from engagement_rules
    union all
    select
        'negative' as component,
        rule_id,
        min_points as limit_points
    from negative_rules
    union all
    select
        'decay' as component,
        rule_id,
        min_points as limit_points
    from decay_rules
),

checked as (
    select
        points.lead_id,
        points.model_id,
        points.component,
        points.rule_id,
        points.raw_points,
        points.final_points,
        rule_limits.limit_points,
        case
            when rule_limits.rule_id is null then 'rule not found in its seed'
            when points.component = 'behaviour' and points.final_points > rule_limits.limit_points
                then 'above max_points'
            when points.component in ('negative', 'decay') and points.final_points < rule_limits.limit_points
                then 'below min_points'
        end as failure
    from points
    left join rule_limits
        on points.component = rule_limits.component
        and points.rule_id = rule_limits.rule_id
),

final as (
    select *
    from checked
    where failure is not null
)

select * from final
