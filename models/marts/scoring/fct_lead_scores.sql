{#- One row per lead and scoring model on the as-of date: the scores, grades, MQL flag and BANT
    qualification of int_leads_scored, and the probability that the lead reaches sql (or a later
    stage) within the conversion window, looked up in the score bins its model learned from the
    score history (dim_score_probability_bins, training set `all`). No probability, and a reason
    instead, for a lead already at sql or beyond and for a model without enough outcomes yet. -#}

with

scored as (
    select * from {{ ref('int_leads_scored') }}
),

bins as (
    select * from {{ ref('dim_score_probability_bins') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

report_settings as (
    select * from {{ ref('report_settings') }}
),

live_bins as (
    select *
    from bins
    where training_set = 'all'
),

model_outcomes as (
    -- per model: whether it has a probability, and if not how far it is from the minimums
    select distinct
        model_id,
        is_calibrated,
        'observations ' || cast(set_observations as {{ dbt.type_string() }})
        || ' (needs ' || cast(min_observations as {{ dbt.type_string() }}) || ')' as observations_words,
        'converted leads ' || cast(set_converted_leads as {{ dbt.type_string() }})
        || ' (needs ' || cast(min_converted_leads as {{ dbt.type_string() }}) || ')' as converted_words
    from live_bins
),

sql_stage as (
    select stage_rank
    from lifecycle_stages
    where stage = 'sql'
),

converted_stages as (
    -- sql and every stage ranked after it: a lead there has nothing left to convert to
    select lifecycle_stages.stage
    from lifecycle_stages
    inner join sql_stage
        on lifecycle_stages.stage_rank >= sql_stage.stage_rank
),

looked_up as (
    select
        scored.lead_id,
        scored.model_id,
        converted_stages.stage is not null as is_converted,
        live_bins.conversion_probability
    from scored
    left join converted_stages
        on scored.stage_reached = converted_stages.stage
    left join live_bins
        on scored.model_id = live_bins.model_id
        and {{ score_in_bin('scored.total_score', 'live_bins') }}
),

probabilities as (
    select
        looked_up.lead_id,
        looked_up.model_id,
        case
            when not looked_up.is_converted and model_outcomes.is_calibrated
                then looked_up.conversion_probability
        end as conversion_probability,
        case
            when looked_up.is_converted
                then 'already at sql or beyond'
            when model_outcomes.model_id is null
                then 'no outcomes yet: no score of this model is '
                    || cast(report_settings.conversion_window_days as {{ dbt.type_string() }})
                    || ' days old (leadscore backfill scores past days)'
            when not model_outcomes.is_calibrated
                then 'too few outcomes: ' || model_outcomes.observations_words || ', ' || model_outcomes.converted_words
        end as conversion_probability_reason
    from looked_up
    cross join report_settings
    left join model_outcomes
        on looked_up.model_id = model_outcomes.model_id
),

final as (
    select
        scored.as_of_date,
        scored.lead_id,
        scored.model_id,
        scored.email_hash,
        scored.fit_score,
        scored.behaviour_score,
        scored.negative_score,
        scored.decay_score,
        scored.total_score,
        scored.score_grade,
        scored.fit_grade,
        scored.mql_threshold,
        scored.is_mql,
        scored.bant_criteria_met,
        scored.qualification_status,
        scored.stage_reached,
        scored.stage_reached_at,
        scored.current_stage,
        scored.last_activity_date,
        scored.days_since_last_activity,
        scored.lead_created_at,
        scored.account_id,
        scored.account_industry,
        scored.account_employee_count,
        scored.country_code,
        scored.region,
        scored.seniority,
        scored.lead_source,
        scored.product_interest,
        probabilities.conversion_probability,
        cast(probabilities.conversion_probability_reason as {{ dbt.type_string() }}) as conversion_probability_reason
    from scored
    inner join probabilities
        on scored.lead_id = probabilities.lead_id
        and scored.model_id = probabilities.model_id
)

select * from final
