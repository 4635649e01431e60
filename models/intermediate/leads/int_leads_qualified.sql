{#- BANT qualification, kept beside the score: which of budget, authority, need and timeline a
    lead meets by the qualification_criteria seed (a criterion is met when any of its rows
    matches). -#}

with

leads as (
    select lead_id from {{ ref('int_leads_enriched') }}
),

attributes as (
    select * from {{ ref('int_lead_attributes_unpivoted') }}
),

criteria as (
    select * from {{ ref('qualification_criteria') }}
),

attribute_lists as (
    select * from {{ ref('attribute_lists') }}
),

met as (
    select distinct
        attributes.lead_id,
        criteria.criterion
    from attributes
    inner join criteria
        on attributes.attribute = criteria.attribute
    left join attribute_lists
        on criteria.match_type = 'in_list'
        and criteria.match_value = attribute_lists.list_name
        and lower(attribute_lists.list_value) = attributes.attribute_value
    where {{ attribute_matches('attributes.attribute_value', 'criteria', number='attributes.attribute_number', lists='attribute_lists') }}
),

flags as (
    select
        leads.lead_id,
        max(case when met.criterion = 'budget' then 1 else 0 end) = 1 as has_budget,
        max(case when met.criterion = 'authority' then 1 else 0 end) = 1 as has_authority,
        max(case when met.criterion = 'need' then 1 else 0 end) = 1 as has_need,
        max(case when met.criterion = 'timeline' then 1 else 0 end) = 1 as has_timeline,
        count(met.criterion) as bant_criteria_met
    from leads
    left join met
        on leads.lead_id = met.lead_id
    group by leads.lead_id
),

final as (
    select
        lead_id,
        has_budget,
        has_authority,
        has_need,
        has_timeline,
        bant_criteria_met,
        case
            when bant_criteria_met = 4 then 'qualified'
            when bant_criteria_met > 0 then 'partially_qualified'
            else 'unqualified'
        end as qualification_status
    from flags
)

select * from final
