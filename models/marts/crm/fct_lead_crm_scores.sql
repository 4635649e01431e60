{#- What the CRM receives, one row per lead and scoring model on the as-of date: the score, its
    grade, the MQL flag and first MQL day, and the three rules that give the lead the most points
    in one text, written as the sales priority list writes its reasons. Score and reasons are in
    whole points: a CRM field shows what sales reads, and the cents a decaying score loses each day
    would otherwise send most leads every day. The daily run compares
    these rows with the ones last sent (published/crm/snapshots/) and writes the leads whose values
    changed to published/crm/<day>.csv. -#}

with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

points as (
    select * from {{ ref('fct_lead_score_points') }}
),

mql_dates as (
    select * from {{ ref('fct_lead_mql_dates') }}
),

positive_points as (
    {{ ranked_ledger_reasons('points', 'round(points.final_points, 0)') }}
),

reasons as (
    -- the biggest first, on a tie by rule id
    select
        lead_id,
        model_id,
        {{ dbt.listagg(
            measure='reason',
            delimiter_text="' | '",
            order_by_clause='order by reason_rank'
        ) }} as top_reasons
    from positive_points
    where reason_rank <= 3
    group by
        lead_id,
        model_id
),

final as (
    select
        scores.lead_id,
        scores.model_id,
        cast(round(scores.total_score, 0) as {{ dbt.type_int() }}) as score,
        scores.score_grade,
        scores.is_mql,
        mql_dates.first_mql_date,
        reasons.top_reasons,
        scores.as_of_date
    from scores
    left join mql_dates
        on scores.lead_id = mql_dates.lead_id
        and scores.model_id = mql_dates.model_id
    left join reasons
        on scores.lead_id = reasons.lead_id
        and scores.model_id = reasons.model_id
)

select * from final
