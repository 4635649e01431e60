{#- The points ledger: one row per lead, scoring model and rule that fired on the as-of date.
    fct_lead_scores is its sum, so every score is explained by these rows. -#}

with

fit as (
    select * from {{ ref('int_points_fit') }}
),

behaviour as (
    select * from {{ ref('int_points_behaviour') }}
),

engagement as (
    select * from {{ ref('int_points_engagement') }}
),

negative as (
    select * from {{ ref('int_points_negative') }}
),

decay as (
    select * from {{ ref('int_points_decay') }}
),

ledger as (
    select * from fit
    union all
    select * from behaviour
    union all
    select * from engagement
    union all
    select * from negative
    union all
    select * from decay
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        lead_id,
        model_id,
        component,
        rule_id,
        rule_description,
        evidence,
        units,
        raw_points,
        {{ to_points('final_points - raw_points') }} as adjustment_points,
        adjustment,
        final_points
    from ledger
)

select * from final
