{{ config(materialized='table') }}

{#- Each distinct value of every lead attribute (after value_aliases), with its number of leads
    and each attribute rule that matches it, as scoring matches them
    (int_lead_attribute_rules_matched). A value no rule matches has one row without a rule.
    Whatever model scores the lead: this says whether the data can fire a rule at all. -#}

with

attributes as (
    select * from {{ ref('int_lead_attributes_unpivoted') }}
),

matches as (
    select * from {{ ref('int_lead_attribute_rules_matched') }}
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
    -- a rule matches a value whichever lead has it
    select distinct
        attribute,
        attribute_value,
        rule_seed,
        rule_id,
        match_type
    from matches
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
