{{ config(tags=['data_fit']) }}

{#- Per scoring model, the share of its leads that are MQLs on the as-of date, with a warning when
    it is 0 (the thresholds are out of reach of the data, or the rules do not match it) or above
    the var data_fit_max_mql_share (default 0.8: the threshold separates nothing). -#}

with

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

per_model as (
    select
        model_id,
        count(*) as leads,
        sum(case when is_mql then 1 else 0 end) as mqls,
        max(total_score) as top_score
    from scores
    group by model_id
),

final as (
    select
        scoring_models.model_id,
        cast(coalesce(per_model.leads, 0) as bigint) as leads,
        cast(coalesce(per_model.mqls, 0) as bigint) as mqls,
        cast(per_model.mqls as {{ dbt.type_float() }}) / nullif(per_model.leads, 0) as mql_share,
        scoring_models.mql_threshold,
        cast(per_model.top_score as {{ score_type() }}) as top_score,
        case
            when coalesce(per_model.leads, 0) = 0 then 'no_leads'
            when per_model.mqls = 0 then 'no_mqls'
            when cast(per_model.mqls as {{ dbt.type_float() }}) / per_model.leads
                > {{ var('data_fit_max_mql_share', 0.8) }} then 'mql_share_above_limit'
        end as finding
    from scoring_models
    left join per_model
        on scoring_models.model_id = per_model.model_id
)

select * from final
