{{ config(materialized='table') }}

{#- Which scoring models score each lead: every model whose assignment rule matches the lead
    (int_lead_attribute_rules_matched), or the default model(s) when none does. -#}

with

leads as (
    select lead_id from {{ ref('int_leads_enriched') }}
),

matches as (
    select * from {{ ref('int_lead_attribute_rules_matched') }}
    where rule_seed = 'scoring_model_assignments'
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

matched as (
    select distinct
        lead_id,
        model_id
    from matches
),

defaulted as (
    select
        leads.lead_id,
        scoring_models.model_id
    from leads
    cross join scoring_models
    where scoring_models.is_default
        and not exists (
            select 1
            from matched
            where matched.lead_id = leads.lead_id
        )
),

final as (
    select
        lead_id,
        model_id,
        'assignment_rule' as assigned_by
    from matched
    union all
    select
        lead_id,
        model_id,
        'default_model' as assigned_by
    from defaulted
)

select * from final
