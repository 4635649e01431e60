{#- One row per lead and scoring model on the as-of date: the four score components, the total,
    grades, the MQL flag and BANT qualification beside the score. The score history stores these
    rows day by day; fct_lead_scores adds the conversion probability, which is learned from that
    history, so the history reads this model and not fct_lead_scores. -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

points as (
    select * from {{ ref('fct_lead_score_points') }}
),

qualification as (
    select * from {{ ref('int_leads_qualified') }}
),

lifecycle as (
    select * from {{ ref('int_lead_lifecycle_as_of') }}
),

last_activity as (
    select * from {{ ref('int_lead_last_activity') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

grade_bands as (
    select * from {{ ref('grade_bands') }}
),

components as (
    select
        lead_id,
        model_id,
        sum(case when component = 'fit' then final_points else 0 end) as fit_score,
        sum(case when component = 'behaviour' then final_points else 0 end) as behaviour_score,
        sum(case when component = 'negative' then final_points else 0 end) as negative_score,
        sum(case when component = 'decay' then final_points else 0 end) as decay_score,
        sum(final_points) as total_score
    from points
    group by
        lead_id,
        model_id
),

scored as (
    select
        assigned.lead_id,
        assigned.model_id,
        {{ to_points('coalesce(components.fit_score, 0)') }} as fit_score,
        {{ to_points('coalesce(components.behaviour_score, 0)') }} as behaviour_score,
        {{ to_points('coalesce(components.negative_score, 0)') }} as negative_score,
        {{ to_points('coalesce(components.decay_score, 0)') }} as decay_score,
        {{ to_points('coalesce(components.total_score, 0)') }} as total_score
    from assigned
    left join components
        on assigned.lead_id = components.lead_id
        and assigned.model_id = components.model_id
),

graded as (
    -- the best-ranked band whose minimum the score reaches; a band without minimum takes the rest
    select
        scored.lead_id,
        scored.model_id,
        grade_bands.grade_kind,
        grade_bands.grade,
        row_number() over (
            partition by scored.lead_id, scored.model_id, grade_bands.grade_kind
            order by grade_bands.grade_rank
        ) as band_rank
    from scored
    inner join grade_bands
        on scored.model_id = grade_bands.model_id
        and (
            grade_bands.min_score is null
            or (grade_bands.grade_kind = 'score' and scored.total_score >= grade_bands.min_score)
            or (grade_bands.grade_kind = 'fit' and scored.fit_score >= grade_bands.min_score)
        )
),

grades as (
    select
        lead_id,
        model_id,
        max(case when grade_kind = 'score' then grade end) as score_grade,
        max(case when grade_kind = 'fit' then grade end) as fit_grade
    from graded
    where band_rank = 1
    group by
        lead_id,
        model_id
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        scored.lead_id,
        scored.model_id,
        {{ hash_email('leads.email') }} as email_hash,
        scored.fit_score,
        scored.behaviour_score,
        scored.negative_score,
        scored.decay_score,
        scored.total_score,
        grades.score_grade,
        grades.fit_grade,
        scoring_models.mql_threshold,
        scored.total_score >= scoring_models.mql_threshold
        and (scoring_models.mql_min_fit_score is null or scored.fit_score >= scoring_models.mql_min_fit_score)
            as is_mql,
        qualification.bant_criteria_met,
        qualification.qualification_status,
        coalesce(lifecycle.stage_reached, 'lead') as stage_reached,
        lifecycle.stage_reached_at,
        coalesce(lifecycle.current_stage, 'lead') as current_stage,
        last_activity.last_engagement_date as last_activity_date,
        {{ days_between('last_activity.last_engagement_date', as_of_date()) }} as days_since_last_activity,
        leads.created_at as lead_created_at,
        leads.account_id,
        leads.account_industry,
        leads.account_employee_count,
        leads.country_code,
        leads.region,
        leads.seniority,
        leads.lead_source,
        leads.product_interest
    from scored
    inner join leads
        on scored.lead_id = leads.lead_id
    inner join scoring_models
        on scored.model_id = scoring_models.model_id
    left join grades
        on scored.lead_id = grades.lead_id
        and scored.model_id = grades.model_id
    left join qualification
        on scored.lead_id = qualification.lead_id
    left join lifecycle
        on scored.lead_id = lifecycle.lead_id
    left join last_activity
        on scored.lead_id = last_activity.lead_id
)

select * from final
