{{ config(materialized='table') }}

{#- For every scoring model, event type and page category: the one behaviour rule and the one
    negative event rule that apply. A rule for the exact page category beats a '*' rule, and
    for the same category a model's own rule beats a rule for 'all' models. -#}

with

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

page_categories as (
    select * from {{ ref('page_categories') }}
),

behaviour_rules as (
    select * from {{ ref('behaviour_rules') }}
),

negative_rules as (
    select * from {{ ref('negative_rules') }}
),

categories as (
    select distinct page_category from page_categories
    union
    -- URLs matching no pattern, and events without a URL
    select 'other' as page_category
    union
    select 'none' as page_category
),

slots as (
    select
        scoring_models.model_id,
        event_types.event_type,
        categories.page_category
    from scoring_models
    cross join event_types
    cross join categories
),

event_rules as (
    select
        'behaviour' as component,
        rule_id,
        model_id,
        event_type,
        page_category,
        points,
        repeat_points,
        max_points as limit_points,
        description
    from behaviour_rules
    union all
    select
        'negative' as component,
        rule_id,
        model_id,
        event_type,
        page_category,
        points,
        repeat_points,
        min_points as limit_points,
        description
    from negative_rules
    where rule_kind = 'event'
),

candidates as (
    select
        slots.model_id,
        slots.event_type,
        slots.page_category,
        event_rules.component,
        event_rules.rule_id,
        event_rules.points,
        event_rules.repeat_points,
        event_rules.limit_points,
        event_rules.description,
        row_number() over (
            partition by event_rules.component, slots.model_id, slots.event_type, slots.page_category
            order by
                case when event_rules.page_category = '*' then 1 else 0 end,
                case when event_rules.model_id = 'all' then 1 else 0 end,
                event_rules.rule_id
        ) as precedence
    from slots
    inner join event_rules
        on slots.event_type = event_rules.event_type
        and (slots.page_category = event_rules.page_category or event_rules.page_category = '*')
        and (slots.model_id = event_rules.model_id or event_rules.model_id = 'all')
),

final as (
    select
        component,
        model_id,
        event_type,
        page_category,
        rule_id,
        points,
        repeat_points,
        limit_points,
        description
    from candidates
    where precedence = 1
)

select * from final
