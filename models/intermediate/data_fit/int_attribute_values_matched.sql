{{ config(materialized='table') }}

{#- Each distinct value of every lead attribute (after value_aliases), with its number of leads
    and each attribute rule that matches it, by the grammar scoring uses
    (macros/scoring/attribute_matches.sql, as in int_lead_attribute_rules_matched). A value no
    rule matches has one row without a rule. Whatever model scores the lead: this says whether
    the data can fire a rule at all. -#}

-- Rules are matched once per distinct value, not once per lead: a value's number is the value
-- read as a number, so every lead with the value matches the same rules (at a million leads,
-- 0.3 M values instead of 19 M lead attributes).

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
    select distinct
        list_name,
        lower(list_value) as list_value
    from attribute_lists
),

distinct_values as (
    select
        attribute,
        attribute_value,
        max(attribute_number) as attribute_number,
        count(*) as leads
    from attributes
    group by
        attribute,
        attribute_value
),

matched as (
    -- a rule written for several scoring models matches a value once
    select distinct
        distinct_values.attribute,
        distinct_values.attribute_value,
        rules.rule_seed,
        rules.rule_id,
        rules.match_type
    from distinct_values
    inner join rules
        on distinct_values.attribute = rules.attribute
    left join list_values
        on rules.match_type = 'in_list'
        and rules.match_value = list_values.list_name
        and distinct_values.attribute_value = list_values.list_value
    where {{ attribute_matches('distinct_values.attribute_value', 'rules', number='distinct_values.attribute_number', lists='list_values') }}
),

final as (
    select
        distinct_values.attribute,
        distinct_values.attribute_value,
        distinct_values.attribute_number,
        cast(distinct_values.leads as bigint) as leads,
        matched.rule_seed,
        matched.rule_id,
        matched.match_type
    from distinct_values
    left join matched
        on distinct_values.attribute = matched.attribute
        and (
            distinct_values.attribute_value = matched.attribute_value
            or (distinct_values.attribute_value is null and matched.attribute_value is null)
        )
)

select * from final
