{{ config(tags=['data_fit']) }}

{#- value_aliases rows the data-fit check proposes: for each value in the data that no rule
    matches, the rule value (or canonical event type or stage) it nearly matches, by the rule
    of macros/data_fit/near_match.sql. Candidates are the values of the equals rules and of the
    lists of the in_list rules on the same attribute, or the canonical event types and stages.
    The closest kind wins, then the candidate sharing the longest beginning; a value with two
    equally close candidates gets no proposal. Lead attributes with more distinct values than
    the var data_fit_max_distinct_values (default 200; free text, e-mail domains) and numbers
    are left out. -#}

with

values_matched as (
    select * from {{ ref('int_attribute_values_matched') }}
),

rules as (
    select * from {{ ref('int_attribute_rules_unioned') }}
),

attribute_lists as (
    select * from {{ ref('attribute_lists') }}
),

unmapped as (
    select * from {{ ref('int_unmapped_values_counted') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

categorical_attributes as (
    select attribute
    from values_matched
    where attribute_value is not null
    group by attribute
    having count(distinct attribute_value) <= {{ var('data_fit_max_distinct_values', 200) }}
),

unmatched_values as (
    -- text values no rule comparing values matches (a present or missing rule says nothing
    -- about how a value is spelled)
    select
        values_matched.attribute as domain,
        values_matched.attribute_value as raw_value,
        max(values_matched.leads) as leads
    from values_matched
    inner join categorical_attributes
        on values_matched.attribute = categorical_attributes.attribute
    where values_matched.attribute_value is not null
        and values_matched.attribute_number is null
    group by
        values_matched.attribute,
        values_matched.attribute_value
    having max(case when values_matched.match_type in ('equals', 'in_list', 'contains', 'range') then 1 else 0 end) = 0
),

to_match as (
    select
        domain,
        raw_value,
        leads,
        cast(null as bigint) as landed_rows
    from unmatched_values
    union all
    select
        domain,
        raw_value,
        leads,
        landed_rows
    from unmapped
    where raw_value is not null
),

candidates as (
    select distinct
        attribute as domain,
        lower(match_value) as canonical_value
    from rules
    where match_type = 'equals'
        and match_value is not null
    union
    select distinct
        rules.attribute as domain,
        lower(attribute_lists.list_value) as canonical_value
    from rules
    inner join attribute_lists
        on rules.match_type = 'in_list'
        and rules.match_value = attribute_lists.list_name
    union
    select
        'event_type' as domain,
        event_type as canonical_value
    from event_types
    union
    select
        'lifecycle_stage' as domain,
        stage as canonical_value
    from lifecycle_stages
),

pairs as (
    select
        to_match.domain,
        to_match.raw_value,
        to_match.leads,
        to_match.landed_rows,
        candidates.canonical_value,
        {{ near_match_form('to_match.raw_value') }} as raw_form,
        {{ near_match_form('candidates.canonical_value') }} as canonical_form
    from to_match
    inner join candidates
        on to_match.domain = candidates.domain
),

scored as (
    select
        domain,
        raw_value,
        leads,
        landed_rows,
        canonical_value,
        {{ near_match_kind('raw_form', 'canonical_form') }} as match_kind,
        {{ shared_prefix_length('raw_form', 'canonical_form') }} as shared_prefix
    from pairs
),

ranked as (
    select
        domain,
        raw_value,
        leads,
        landed_rows,
        canonical_value,
        match_kind,
        rank() over (
            partition by domain, raw_value
            order by
                case match_kind
                    when 'same_words' then 1
                    when 'whole_words' then 2
                    when 'same_stem' then 3
                    else 4
                end,
                shared_prefix desc
        ) as closeness_rank
    from scored
    where match_kind is not null
),

closest as (
    select
        domain,
        raw_value,
        max(leads) as leads,
        max(landed_rows) as landed_rows,
        max(canonical_value) as canonical_value,
        max(match_kind) as match_kind,
        count(*) as closest_candidates
    from ranked
    where closeness_rank = 1
    group by
        domain,
        raw_value
),

final as (
    select
        domain,
        raw_value,
        canonical_value,
        match_kind,
        leads,
        landed_rows
    from closest
    where closest_candidates = 1
)

select * from final
