{#- Every score is explained by its ledger: for each lead and scoring model in fct_lead_scores,
    the sum of its fct_lead_score_points.final_points equals total_score, and the sum per
    component equals fit_score, behaviour_score, negative_score and decay_score (a score without
    ledger rows must be 0). Returns the pairs that do not reconcile. -#}

with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

points as (
    select * from {{ ref('fct_lead_score_points') }}
),

ledger_sums as (
    select
        lead_id,
        model_id,
        sum(case when component = 'fit' then final_points else 0 end) as ledger_fit_score,
        sum(case when component = 'behaviour' then final_points else 0 end) as ledger_behaviour_score,
        sum(case when component = 'negative' then final_points else 0 end) as ledger_negative_score,
        sum(case when component = 'decay' then final_points else 0 end) as ledger_decay_score,
        sum(final_points) as ledger_total_score
    from points
    group by
        lead_id,
        model_id
),

compared as (
    select
        scores.lead_id,
        scores.model_id,
        scores.total_score,
        coalesce(ledger_sums.ledger_total_score, 0) as ledger_total_score,
        scores.fit_score,
        coalesce(ledger_sums.ledger_fit_score, 0) as ledger_fit_score,
        scores.behaviour_score,
        coalesce(ledger_sums.ledger_behaviour_score, 0) as ledger_behaviour_score,
        scores.negative_score,
        coalesce(ledger_sums.ledger_negative_score, 0) as ledger_negative_score,
        scores.decay_score,
        coalesce(ledger_sums.ledger_decay_score, 0) as ledger_decay_score
    from scores
    left join ledger_sums
        on scores.lead_id = ledger_sums.lead_id
        and scores.model_id = ledger_sums.model_id
),

final as (
    select *
    from compared
    -- a null score never equals its ledger either
    where coalesce(total_score <> ledger_total_score, true)
        or coalesce(fit_score <> ledger_fit_score, true)
        or coalesce(behaviour_score <> ledger_behaviour_score, true)
        or coalesce(negative_score <> ledger_negative_score, true)
        or coalesce(decay_score <> ledger_decay_score, true)
)

select * from final
