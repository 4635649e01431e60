{{ config(tags=['data_fit']) }}

{#- What the data-fit check found, one row per finding, from the other rpt_data_fit_ tables:
    rules that cannot or do not fire, event types and stages not mapped, MQL shares out of bounds
    and value_aliases rows proposed. A finding needs attention when the seeds and the data
    disagree in a way that changes scores: a rule on an attribute no lead has a value of (a
    misspelled or unmapped column), a no_recent_event decay rule counting an event type the
    data lacks (it takes points from every lead), rows left out for an unmapped event type or
    stage, an MQL share of 0 or above the limit, a model scoring no lead, a value that nearly
    matches a rule. A rule that never fires, or counts events or pages the data lacks, is a
    note: many rules wait for rare cases (a competitor's e-mail domain, a rejection reason).
    `leadscore check` exits 1 when a finding needs attention. -#}

with

rules as (
    select * from {{ ref('rpt_data_fit_rules') }}
),

unmapped as (
    select * from {{ ref('rpt_data_fit_unmapped_values') }}
),

mql_share as (
    select * from {{ ref('rpt_data_fit_mql_share') }}
),

proposals as (
    select * from {{ ref('rpt_data_fit_alias_proposals') }}
),

unioned as (
    select
        finding,
        rule_seed as seed_name,
        rule_id as subject,
        coalesce(matched_leads, matched_events) as affected,
        case when matched_events is not null then 'events' else 'leads' end as affected_unit,
        finding in ('unknown_attribute', 'attribute_without_values')
        or (finding = 'event_type_not_in_data' and rule_kind = 'decay_no_recent_event') as needs_attention
    from rules
    where finding is not null
    union all
    select
        case domain when 'event_type' then 'unmapped_event_type' else 'unmapped_stage' end as finding,
        'value_aliases' as seed_name,
        coalesce(raw_value, '(missing)') as subject,
        landed_rows as affected,
        'rows' as affected_unit,
        true as needs_attention
    from unmapped
    union all
    select
        finding,
        'scoring_models' as seed_name,
        model_id as subject,
        leads as affected,
        'leads' as affected_unit,
        true as needs_attention
    from mql_share
    where finding is not null
    union all
    select
        'alias_proposed' as finding,
        'value_aliases' as seed_name,
        domain || ': ' || raw_value || ' -> ' || canonical_value as subject,
        coalesce(landed_rows, leads) as affected,
        case when landed_rows is not null then 'rows' else 'leads' end as affected_unit,
        true as needs_attention
    from proposals
),

final as (
    select
        finding,
        seed_name,
        subject,
        cast(affected as bigint) as affected,
        affected_unit,
        needs_attention
    from unioned
)

select * from final
