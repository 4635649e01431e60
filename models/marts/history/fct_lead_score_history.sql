{{
    config(
        materialized='incremental',
        incremental_strategy=replace_days_strategy(),
        partition_by=replace_days_partition('as_of_date'),
        unique_key='as_of_date',
        full_refresh=false,
        on_schema_change='append_new_columns',
    )
}}

{#- One row per lead, scoring model and scored day. Each run writes its as-of day; rerunning a
    day replaces that day's rows (delete+insert on as_of_date), so it never duplicates. History is
    never dropped by --full-refresh. It reads int_leads_scored (fct_lead_scores without its
    conversion probability): the probability is learned from this history. -#}

with

scores as (
    select * from {{ ref('int_leads_scored') }}
),

final as (
    select
        as_of_date,
        lead_id,
        model_id,
        fit_score,
        behaviour_score,
        negative_score,
        decay_score,
        total_score,
        score_grade,
        fit_grade,
        is_mql,
        qualification_status,
        stage_reached
    from scores
)

select * from final
