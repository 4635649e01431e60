{{ config(materialized='table') }}

{#- Which scoring models score each lead: every model whose assignment rule matches the lead,
    or the default model(s) when none does. -#}

with

leads as (
    select lead_id from {{ ref('int_leads_enriched') }}
),

attributes as (
    select * from {{ ref('int_lead_attributes_unpivoted') }}
),

assignments as (
    select * from {{ ref('scoring_model_assignments') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

attribute_lists as (
    select * from {{ ref('attribute_lists') }}
),

matched as (
    select distinct
        attributes.lead_id,
        assignments.model_id
    from attributes
    inner join assignments
        on attributes.attribute = assignments.attribute
    left join attribute_lists
        on assignments.match_type = 'in_list'
        and assignments.match_value = attribute_lists.list_name
        and lower(attribute_lists.list_value) = attributes.attribute_value
    where {{ attribute_matches('attributes.attribute_value', 'assignments', number='attributes.attribute_number', lists='attribute_lists') }}
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
