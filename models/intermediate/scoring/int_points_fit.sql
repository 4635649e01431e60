{#- Fit (demographic and firmographic) points: every fit rule of the lead's model, or of 'all'
    models, whose attribute matches fires once. -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

attributes as (
    select * from {{ ref('int_lead_attributes_unpivoted') }}
),

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

attribute_lists as (
    select * from {{ ref('attribute_lists') }}
),

matched as (
    select
        assigned.lead_id,
        assigned.model_id,
        fit_rules.rule_id,
        fit_rules.description,
        fit_rules.attribute || ' = ' || coalesce(attributes.attribute_value, '(missing)') as evidence,
        fit_rules.points
    from assigned
    inner join attributes
        on assigned.lead_id = attributes.lead_id
    inner join fit_rules
        on attributes.attribute = fit_rules.attribute
        and (assigned.model_id = fit_rules.model_id or fit_rules.model_id = 'all')
    left join attribute_lists
        on fit_rules.match_type = 'in_list'
        and fit_rules.match_value = attribute_lists.list_name
        and lower(attribute_lists.list_value) = attributes.attribute_value
    where {{ attribute_matches('attributes.attribute_value', 'fit_rules', number='attributes.attribute_number', lists='attribute_lists') }}
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
