{{ config(materialized='view') }}

{#- Why did this lead's score change? One row per lead, model, day and rule whose points changed
    since the previous scored day, beside the day's total and the previous total. -#}

with

history as (
    select * from {{ ref('fct_lead_score_history') }}
),

point_changes as (
    select * from {{ ref('fct_lead_score_points_history') }}
),

totals as (
    select
        as_of_date,
        lead_id,
        model_id,
        total_score,
        lag(total_score) over (partition by lead_id, model_id order by as_of_date) as previous_total,
        lag(as_of_date) over (partition by lead_id, model_id order by as_of_date) as previous_as_of_date
    from history
),

final as (
    select
        point_changes.valid_from as as_of_date,
        point_changes.lead_id,
        point_changes.model_id,
        totals.previous_as_of_date,
        totals.previous_total,
        totals.total_score,
        point_changes.component,
        point_changes.rule_id,
        point_changes.evidence,
        point_changes.previous_points,
        point_changes.final_points,
        point_changes.change_points
    from point_changes
    inner join totals
        on point_changes.valid_from = totals.as_of_date
        and point_changes.lead_id = totals.lead_id
        and point_changes.model_id = totals.model_id
    where totals.previous_as_of_date is not null
)

select * from final
