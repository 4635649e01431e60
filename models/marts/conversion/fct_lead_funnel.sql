{#- One row per lead and scoring model on the as-of date: its cohort and creation time,
    segments, when it first became an MQL, the grade it had then, and the CRM stages it passed.
    A CRM may skip stages (a lead won without a sql record): a lead has passed every stage
    ranked at or below the furthest one it reached, so won implies opportunity and sql. -#}

with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

mql_dates as (
    select * from {{ ref('fct_lead_mql_dates') }}
),

history as (
    select * from {{ ref('fct_lead_score_history') }}
),

stages as (
    select * from {{ ref('int_lifecycle_stages_as_of') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

size_bands as (
    select * from {{ ref('company_size_bands') }}
),

stage_ranks as (
    select
        stages.lead_id,
        stages.stage,
        stages.entered_at,
        stages.reason,
        lifecycle_stages.stage_rank
    from stages
    inner join lifecycle_stages
        on stages.stage = lifecycle_stages.stage
),

passed as (
    -- the first time each lead was at or beyond sql (rank 2), opportunity (3) and so on
    select
        lead_id,
        min(case when stage_rank >= 2 then entered_at end) as sql_at,
        min(case when stage_rank >= 3 then entered_at end) as opportunity_at,
        min(case when stage = 'won' then entered_at end) as won_at,
        min(case when stage = 'lost' then entered_at end) as lost_at,
        min(case when stage = 'rejected' then entered_at end) as rejected_at,
        max(case when stage = 'rejected' then reason end) as rejection_reason
    from stage_ranks
    group by lead_id
),

final as (
    select
        scores.as_of_date,
        scores.lead_id,
        scores.model_id,
        cast({{ dbt.date_trunc('month', 'coalesce(cast(scores.lead_created_at as date), mql_dates.first_scored_date)') }} as date) as cohort_month,
        scores.lead_created_at,
        scores.account_id,
        scores.account_industry,
        size_bands.size_band as company_size_band,
        scores.region,
        scores.country_code,
        scores.lead_source,
        scores.product_interest,
        scores.fit_grade,
        scores.score_grade,
        scores.total_score,
        scores.is_mql,
        mql_dates.first_mql_date,
        at_mql.score_grade as grade_at_mql,
        passed.sql_at,
        passed.opportunity_at,
        passed.won_at,
        passed.lost_at,
        passed.rejected_at,
        passed.rejection_reason,
        passed.sql_at is not null as reached_sql,
        passed.opportunity_at is not null as reached_opportunity,
        passed.won_at is not null as reached_won
    from scores
    left join mql_dates
        on scores.lead_id = mql_dates.lead_id
        and scores.model_id = mql_dates.model_id
    left join history as at_mql
        on scores.lead_id = at_mql.lead_id
        and scores.model_id = at_mql.model_id
        and mql_dates.first_mql_date = at_mql.as_of_date
    left join passed
        on scores.lead_id = passed.lead_id
    left join size_bands
        on scores.account_employee_count >= size_bands.min_employees
        and (size_bands.max_employees is null or scores.account_employee_count < size_bands.max_employees)
)

select * from final
