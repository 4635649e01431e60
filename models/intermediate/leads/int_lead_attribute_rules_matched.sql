{{ config(materialized='table') }}

{#- Each lead with every attribute rule its attributes match: fit rules, scoring model
    assignments and BANT qualification criteria (int_attribute_rules_unioned), by the grammar of
    macros/scoring/attribute_matches.sql, whatever model scores the lead. The one place a rule row
    meets a lead's attribute value: fit points (int_points_fit), the scoring model
    (int_leads_assigned), BANT (int_leads_qualified) and the data-fit check read it. -#}

with

attributes as (
    select * from {{ ref('int_lead_attributes_unpivoted') }}
),

rules as (
    select * from {{ ref('int_attribute_rules_unioned') }}
),

attribute_lists as (
    select * from {{ ref('attribute_lists') }}
),

list_values as (
    -- compared case-insensitively: a value listed twice in two spellings matches once
    select distinct
        list_name,
        lower(list_value) as list_value
    from attribute_lists
),

final as (
    select
        attributes.lead_id,
        rules.rule_seed,
        rules.rule_id,
        rules.model_id,
        attributes.attribute,
        attributes.attribute_value,
        attributes.attribute_number,
        rules.match_type
    from attributes
    inner join rules
        on attributes.attribute = rules.attribute
    left join list_values
        on rules.match_type = 'in_list'
        and rules.match_value = list_values.list_name
        and attributes.attribute_value = list_values.list_value
    where {{ attribute_matches('attributes.attribute_value', 'rules', number='attributes.attribute_number', lists='list_values') }}
)

select * from final
