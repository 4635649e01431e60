{{ config(tags=['data_fit']) }}

{#- Every rule of the rule seeds, with what of the data it can fire on and, when it cannot, why:
    unknown_attribute (no lead has such an attribute: a misspelled or missing column),
    attribute_without_values (the column exists but no lead has a value), event_type_not_in_data,
    page_category_not_in_data (no event of that type, no page of that category up to the as-of
    date), never_fires (the data has the attribute or events, but nothing the rule matches).
    Attribute rules are matched on the leads' values, event rules on the events of the page
    category and event type they resolve to (int_event_rules_resolved), rejection rules on the
    sales rejection reasons; all whatever model scores the lead. Inactivity, decay and engagement
    rules depend on time, not on a value: only the event type they count is checked. -#}

with

attribute_rules as (
    select * from {{ ref('int_attribute_rules_unioned') }}
),

attribute_names as (
    select * from {{ ref('int_lead_attribute_names') }}
),

values_matched as (
    select * from {{ ref('int_attribute_values_matched') }}
),

event_stats as (
    select * from {{ ref('int_lead_event_stats') }}
),

event_rules_resolved as (
    select * from {{ ref('int_event_rules_resolved') }}
),

behaviour_rules as (
    select * from {{ ref('behaviour_rules') }}
),

negative_rules as (
    select * from {{ ref('negative_rules') }}
),

engagement_rules as (
    select * from {{ ref('engagement_rules') }}
),

decay_rules as (
    select * from {{ ref('decay_rules') }}
),

rejections as (
    select * from {{ ref('int_lead_rejections') }}
),

-- attribute rules ------------------------------------------------------------------------------

attribute_coverage as (
    select
        attribute,
        sum(case when attribute_value is not null then leads else 0 end) as leads_with_value
    from (
        select distinct
            attribute,
            attribute_value,
            leads
        from values_matched
    ) as distinct_values
    group by attribute
),

attribute_rule_hits as (
    select
        rule_seed,
        rule_id,
        sum(leads) as matched_leads
    from values_matched
    where rule_id is not null
    group by
        rule_seed,
        rule_id
),

attribute_rule_rows as (
    select
        attribute_rules.rule_seed,
        attribute_rules.rule_id,
        case attribute_rules.rule_seed
            when 'fit_rules' then 'fit'
            when 'scoring_model_assignments' then 'assignment'
            else 'qualification'
        end as rule_kind,
        attribute_rules.model_id,
        attribute_rules.attribute,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_string() }}) as page_category,
        attribute_rules.match_type,
        attribute_rules.match_value,
        coalesce(attribute_rule_hits.matched_leads, 0) as matched_leads,
        cast(null as bigint) as matched_events,
        case
            when attribute_names.attribute is null then 'unknown_attribute'
            when coalesce(attribute_coverage.leads_with_value, 0) = 0 then 'attribute_without_values'
            when attribute_rule_hits.rule_id is null then 'never_fires'
        end as finding
    from attribute_rules
    left join attribute_names
        on attribute_rules.attribute = attribute_names.attribute
    left join attribute_coverage
        on attribute_rules.attribute = attribute_coverage.attribute
    left join attribute_rule_hits
        on attribute_rules.rule_seed = attribute_rule_hits.rule_seed
        and attribute_rules.rule_id = attribute_rule_hits.rule_id
),

-- event rules ----------------------------------------------------------------------------------

slot_events as (
    select
        event_type,
        page_category,
        sum(event_count) as events
    from event_stats
    group by
        event_type,
        page_category
),

event_types_in_data as (
    select distinct event_type from slot_events
),

page_categories_in_data as (
    select distinct page_category from slot_events
),

resolved_slots as (
    -- the event type and page category each rule counts, for any model
    select distinct
        component,
        rule_id,
        event_type,
        page_category
    from event_rules_resolved
),

event_rule_hits as (
    select
        resolved_slots.component,
        resolved_slots.rule_id,
        sum(slot_events.events) as matched_events
    from resolved_slots
    inner join slot_events
        on resolved_slots.event_type = slot_events.event_type
        and resolved_slots.page_category = slot_events.page_category
    group by
        resolved_slots.component,
        resolved_slots.rule_id
),

event_rules as (
    select
        'behaviour_rules' as rule_seed,
        'behaviour' as component,
        rule_id,
        'behaviour' as rule_kind,
        model_id,
        event_type,
        page_category
    from behaviour_rules
    union all
    select
        'negative_rules' as rule_seed,
        'negative' as component,
        rule_id,
        'negative_event' as rule_kind,
        model_id,
        event_type,
        page_category
    from negative_rules
    where rule_kind = 'event'
),

event_rule_rows as (
    select
        event_rules.rule_seed,
        event_rules.rule_id,
        event_rules.rule_kind,
        event_rules.model_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        event_rules.event_type,
        event_rules.page_category,
        cast(null as {{ dbt.type_string() }}) as match_type,
        cast(null as {{ dbt.type_string() }}) as match_value,
        cast(null as bigint) as matched_leads,
        coalesce(event_rule_hits.matched_events, 0) as matched_events,
        case
            when event_types_in_data.event_type is null then 'event_type_not_in_data'
            when event_rules.page_category <> '*' and page_categories_in_data.page_category is null
                then 'page_category_not_in_data'
            when event_rule_hits.rule_id is null then 'never_fires'
        end as finding
    from event_rules
    left join event_types_in_data
        on event_rules.event_type = event_types_in_data.event_type
    left join page_categories_in_data
        on event_rules.page_category = page_categories_in_data.page_category
    left join event_rule_hits
        on event_rules.component = event_rule_hits.component
        and event_rules.rule_id = event_rule_hits.rule_id
),

-- rejection reasons ----------------------------------------------------------------------------

rejection_hits as (
    select
        negative_rules.rule_id,
        count(distinct rejections.lead_id) as matched_leads
    from negative_rules
    inner join rejections
        on {{ attribute_matches('rejections.reason', 'negative_rules') }}
    where negative_rules.rule_kind = 'rejection_reason'
    group by negative_rules.rule_id
),

rejection_rule_rows as (
    select
        'negative_rules' as rule_seed,
        negative_rules.rule_id,
        'negative_rejection' as rule_kind,
        negative_rules.model_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_string() }}) as page_category,
        negative_rules.match_type,
        negative_rules.match_value,
        coalesce(rejection_hits.matched_leads, 0) as matched_leads,
        cast(null as bigint) as matched_events,
        case when rejection_hits.rule_id is null then 'never_fires' end as finding
    from negative_rules
    left join rejection_hits
        on negative_rules.rule_id = rejection_hits.rule_id
    where negative_rules.rule_kind = 'rejection_reason'
),

-- rules of time: only the event type they count ------------------------------------------------

timed_rules as (
    select
        'negative_rules' as rule_seed,
        rule_id,
        'negative_inactivity' as rule_kind,
        model_id,
        cast(null as {{ dbt.type_string() }}) as event_type
    from negative_rules
    where rule_kind = 'inactivity'
    union all
    select
        'engagement_rules' as rule_seed,
        rule_id,
        'engagement' as rule_kind,
        model_id,
        event_type
    from engagement_rules
    union all
    select
        'decay_rules' as rule_seed,
        rule_id,
        'decay_' || decay_kind as rule_kind,
        model_id,
        -- unopened e-mails are counted from the e-mails sent
        coalesce(event_type, case when decay_kind = 'unopened_emails' then 'email_sent' end) as event_type
    from decay_rules
),

timed_rule_rows as (
    select
        timed_rules.rule_seed,
        timed_rules.rule_id,
        timed_rules.rule_kind,
        timed_rules.model_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        timed_rules.event_type,
        cast(null as {{ dbt.type_string() }}) as page_category,
        cast(null as {{ dbt.type_string() }}) as match_type,
        cast(null as {{ dbt.type_string() }}) as match_value,
        cast(null as bigint) as matched_leads,
        cast(null as bigint) as matched_events,
        case
            when timed_rules.event_type is not null and event_types_in_data.event_type is null
                then 'event_type_not_in_data'
        end as finding
    from timed_rules
    left join event_types_in_data
        on timed_rules.event_type = event_types_in_data.event_type
),

unioned as (
    select * from attribute_rule_rows
    union all
    select * from event_rule_rows
    union all
    select * from rejection_rule_rows
    union all
    select * from timed_rule_rows
),

final as (
    select
        rule_seed,
        rule_id,
        rule_kind,
        model_id,
        attribute,
        event_type,
        page_category,
        match_type,
        match_value,
        cast(matched_leads as bigint) as matched_leads,
        cast(matched_events as bigint) as matched_events,
        finding
    from unioned
)

select * from final
