{{ config(materialized='view') }}

{#- The observations the conversion probability is learned from, once per training set: every
    observation in `all` (the probability fct_lead_scores gives), and each observation again in
    the half of the leads it belongs to (`half_1` or `half_2`, by the lead_half macro), so each
    half can be scored with the probability learned from the other half alone (the held-out
    check of rpt_score_band_conversion). A lead is in one half with all its observations. -#}

with

observations as (
    select * from {{ ref('fct_lead_score_observations') }}
),

observed_leads as (
    select distinct lead_id
    from observations
),

lead_halves as (
    -- once per lead rather than per observation: a hash per row would cost more than the rest
    select
        lead_id,
        {{ lead_half('lead_id') }} as lead_half
    from observed_leads
),

halved as (
    select
        observations.model_id,
        observations.lead_id,
        observations.observed_on,
        observations.total_score,
        observations.converted,
        lead_halves.lead_half
    from observations
    inner join lead_halves
        on observations.lead_id = lead_halves.lead_id
),

training_sets as (
    select
        'all' as training_set,
        cast(null as {{ dbt.type_int() }}) as lead_half
    union all
    select
        'half_1' as training_set,
        1 as lead_half
    union all
    select
        'half_2' as training_set,
        2 as lead_half
),

final as (
    select
        training_sets.training_set,
        halved.model_id,
        halved.lead_id,
        halved.observed_on,
        halved.total_score,
        halved.converted,
        halved.lead_half
    from halved
    inner join training_sets
        on training_sets.lead_half is null
        or halved.lead_half = training_sets.lead_half
)

select * from final
