{{ config(tags=['data_fit']) }}

{#- Per lead attribute, the values the leads have (after value_aliases) with their lead counts
    and the rules that match each, or none. The values of an attribute that an equals, in_list or
    contains rule compares are listed one by one; so are text values of an attribute only range
    rules read (a number was expected). Numbers of such an attribute are grouped by the rules that
    match them (value_kind `numbers`), and the values of an attribute no rule compares (free
    text, custom columns no rule names) are one group (`other_values`). Missing values are their
    own row (`missing`). -#}

with

values_matched as (
    select * from {{ ref('int_attribute_values_matched') }}
),

rules as (
    select * from {{ ref('int_attribute_rules_unioned') }}
),

proposals as (
    select * from {{ ref('rpt_data_fit_alias_proposals') }}
),

attribute_rule_kinds as (
    select
        attribute,
        max(case when match_type in ('equals', 'in_list', 'contains') then 1 else 0 end) = 1 as has_value_rule,
        max(case when match_type = 'range' then 1 else 0 end) = 1 as has_range_rule
    from rules
    group by attribute
),

per_value as (
    -- one row per distinct value, its matching rules as one list
    select
        attribute,
        attribute_value,
        max(attribute_number) as attribute_number,
        max(leads) as leads,
        {{ dbt.listagg(measure='rule_id', delimiter_text="', '", order_by_clause='order by rule_id') }} as matching_rules
    from values_matched
    group by
        attribute,
        attribute_value
),

classified as (
    select
        per_value.attribute,
        per_value.attribute_value,
        per_value.leads,
        per_value.matching_rules,
        case
            when per_value.attribute_value is null then 'missing'
            when coalesce(attribute_rule_kinds.has_value_rule, false) then 'value'
            when per_value.attribute_number is not null then 'numbers'
            when coalesce(attribute_rule_kinds.has_range_rule, false) then 'value'
            else 'other_values'
        end as value_kind
    from per_value
    left join attribute_rule_kinds
        on per_value.attribute = attribute_rule_kinds.attribute
),

grouped as (
    select
        attribute,
        value_kind,
        case when value_kind = 'value' then attribute_value end as attribute_value,
        matching_rules,
        cast(sum(leads) as bigint) as leads,
        cast(count(attribute_value) as bigint) as distinct_values
    from classified
    group by
        attribute,
        value_kind,
        case when value_kind = 'value' then attribute_value end,
        matching_rules
),

final as (
    select
        grouped.attribute,
        grouped.value_kind,
        grouped.attribute_value,
        grouped.leads,
        grouped.distinct_values,
        grouped.matching_rules,
        grouped.matching_rules is not null as is_matched,
        proposals.canonical_value as proposed_canonical_value,
        cast(
            row_number() over (
                partition by grouped.attribute
                order by grouped.leads desc, grouped.value_kind asc, grouped.attribute_value asc, grouped.matching_rules asc
            ) as integer
        ) as value_rank
    from grouped
    left join proposals
        on grouped.attribute = proposals.domain
        and grouped.attribute_value = proposals.raw_value
)

select * from final
