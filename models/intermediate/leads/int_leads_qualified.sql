{#- BANT qualification, kept beside the score: which of budget, authority, need and timeline a
    lead meets by the qualification_criteria seed (a criterion is met when any of its rows
    matches: int_lead_attribute_rules_matched). -#}

with

leads as (
    select lead_id from {{ ref('int_leads_enriched') }}
),

matches as (
    select * from {{ ref('int_lead_attribute_rules_matched') }}
    where rule_seed = 'qualification_criteria'
),

criteria as (
    select * from {{ ref('qualification_criteria') }}
),

met as (
    select distinct
        matches.lead_id,
        criteria.criterion
    from matches
    inner join criteria
        on matches.rule_id = criteria.criterion_id
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
