{#- Every ledger row belongs to a scored lead: each (lead_id, model_id) of fct_lead_score_points
    has its row in fct_lead_scores, so no points are lost from the totals BI shows. Returns the
    pairs of the ledger without a score. -#}

with

points as (
    select * from {{ ref('fct_lead_score_points') }}
),

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

ledger_pairs as (
    select
        lead_id,
        model_id,
        count(*) as ledger_rows,
        sum(final_points) as ledger_points
    from points
    group by
        lead_id,
        model_id
),

final as (
    select
        ledger_pairs.lead_id,
        ledger_pairs.model_id,
        ledger_pairs.ledger_rows,
        ledger_pairs.ledger_points
    from ledger_pairs
    left join scores
        on ledger_pairs.lead_id = scores.lead_id
        and ledger_pairs.model_id = scores.model_id
    where scores.lead_id is null
)

select * from final
