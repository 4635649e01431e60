{#- Every rule row that names a lead attribute, from the three seeds that do: fit rules, scoring
    model assignments and BANT qualification criteria, in one shape. -#}

with

fit_rules as (
    select * from {{ ref('fit_rules') }}
),

assignments as (
    select * from {{ ref('scoring_model_assignments') }}
),

criteria as (
    select * from {{ ref('qualification_criteria') }}
),

final as (
    select
        'fit_rules' as rule_seed,
        rule_id,
        model_id,
        attribute,
        match_type,
        match_value,
        min_value,
        max_value
    from fit_rules
    union all
    select
        'scoring_model_assignments' as rule_seed,
        assignment_id as rule_id,
        model_id,
        attribute,
        match_type,
        match_value,
        min_value,
        max_value
    from assignments
    union all
    select
        'qualification_criteria' as rule_seed,
        criterion_id as rule_id,
        'all' as model_id,
        attribute,
        match_type,
        match_value,
        min_value,
        max_value
    from criteria
)

select * from final
