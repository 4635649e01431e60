{#- Fit (demographic and firmographic) points: every fit rule of the lead's model, or of 'all'
    models, whose attribute matches (int_lead_attribute_rules_matched) fires once. -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

matches as (
    select * from {{ ref('int_lead_attribute_rules_matched') }}
    where rule_seed = 'fit_rules'
),

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

matched as (
    select
        assigned.lead_id,
        assigned.model_id,
        fit_rules.rule_id,
        fit_rules.description,
        fit_rules.attribute || ' = ' || coalesce(matches.attribute_value, '(missing)') as evidence,
        fit_rules.points
    from assigned
    inner join matches
        on assigned.lead_id = matches.lead_id
        and (assigned.model_id = matches.model_id or matches.model_id = 'all')
    inner join fit_rules
        on matches.rule_id = fit_rules.rule_id
),

final as (
    select
        lead_id,
        model_id,
        'fit' as component,
        rule_id,
        description as rule_description,
        evidence,
        cast(1 as {{ score_type() }}) as units,
        {{ to_points('points') }} as raw_points,
        {{ to_points('points') }} as final_points,
        cast(null as {{ dbt.type_string() }}) as adjustment
    from matched
    where points <> 0
)

select * from final
