{#- Decay points, measured up to the as-of date. Kinds (decay_rules.decay_kind):
      inactivity           `points` per full `window_days` without engagement
      unopened_emails      `points` per e-mail sent in the window and not opened in it
      no_recent_event      `points` once when no event of `event_type` happened in the window
      behaviour_half_life  behaviour points lose half their value every `half_life_days` of age
    Each rule is floored at `min_points`. Window rules only apply to leads that existed for the
    whole window, so a lead created yesterday is not punished for last month's silence. -#}

with

assigned as (
    select * from {{ ref('int_leads_assigned') }}
),

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

daily as {{ inline_cte() }} (
    select * from {{ ref('int_lead_daily_activity') }}
),

last_activity as (
    select * from {{ ref('int_lead_last_activity') }}
),

event_rules as (
    select * from {{ ref('int_event_rules_resolved') }}
    where component = 'behaviour'
),

decay_rules as (
    select * from {{ ref('decay_rules') }}
),

lead_rules as (
    select
        assigned.lead_id,
        assigned.model_id,
        cast(leads.created_at as date) as created_date,
        decay_rules.rule_id,
        decay_rules.decay_kind,
        decay_rules.event_type,
        decay_rules.window_days,
        decay_rules.points,
        decay_rules.min_points,
        decay_rules.half_life_days,
        decay_rules.description
    from assigned
    inner join leads
        on assigned.lead_id = leads.lead_id
    inner join decay_rules
        on assigned.model_id = decay_rules.model_id or decay_rules.model_id = 'all'
),

inactivity as (
    select
        lead_rules.lead_id,
        lead_rules.model_id,
        lead_rules.rule_id,
        lead_rules.description,
        lead_rules.points,
        lead_rules.min_points,
        lead_rules.window_days,
        {{ dbt.datediff(
            'coalesce(last_activity.last_engagement_date, lead_rules.created_date)',
            as_of_date(), 'day') }} as days_inactive
    from lead_rules
    left join last_activity
        on lead_rules.lead_id = last_activity.lead_id
    where lead_rules.decay_kind = 'inactivity'
),

inactivity_hits as (
    select
        lead_id,
        model_id,
        rule_id,
        description,
        min_points,
        floor(days_inactive / window_days) * points as raw_points,
        floor(days_inactive / window_days) as units,
        cast(days_inactive as {{ dbt.type_string() }}) || ' days without engagement' as evidence
    from inactivity
    where days_inactive >= window_days
),

window_rules as (
    -- rules measured over the last `window_days`, for leads that existed for all of it
    select *
    from lead_rules
    where decay_kind in ('unopened_emails', 'no_recent_event')
        and (
            created_date is null
            or created_date <= {{ dbt.dateadd('day', '-1 * window_days', as_of_date()) }}
        )
),

longest_window as (
    select max(window_days) as window_days
    from decay_rules
    where decay_kind in ('unopened_emails', 'no_recent_event')
),

counted_event_types as (
    -- the only event types window_counts counts
    select 'email_sent' as event_type
    union all
    select 'email_open' as event_type
    union all
    select distinct event_type from decay_rules
    where decay_kind = 'no_recent_event'
),

recent as (
    -- the days and event types any window rule can see, before each rule is joined to them
    select daily.*
    from daily
    cross join longest_window
    where daily.activity_date > {{ dbt.dateadd('day', '-1 * longest_window.window_days', as_of_date()) }}
        and daily.event_type in (select counted_event_types.event_type from counted_event_types)
),

window_counts as (
    select
        window_rules.lead_id,
        window_rules.model_id,
        window_rules.rule_id,
        sum(case when recent.event_type = 'email_sent' then recent.event_count else 0 end) as emails_sent,
        sum(case when recent.event_type = 'email_open' then recent.event_count else 0 end) as emails_opened,
        sum(case when recent.event_type = window_rules.event_type then recent.event_count else 0 end) as events_of_type
    from window_rules
    left join recent
        on window_rules.lead_id = recent.lead_id
        and recent.activity_date > {{ dbt.dateadd('day', '-1 * window_rules.window_days', as_of_date()) }}
    group by
        window_rules.lead_id,
        window_rules.model_id,
        window_rules.rule_id
),

window_hits as (
    select
        window_rules.lead_id,
        window_rules.model_id,
        window_rules.rule_id,
        window_rules.description,
        window_rules.min_points,
        case
            when window_rules.decay_kind = 'unopened_emails'
                then (window_counts.emails_sent - window_counts.emails_opened) * window_rules.points
            else window_rules.points
        end as raw_points,
        case
            when window_rules.decay_kind = 'unopened_emails'
                then window_counts.emails_sent - window_counts.emails_opened
            else 1
        end as units,
        case
            when window_rules.decay_kind = 'unopened_emails'
                then cast(window_counts.emails_sent - window_counts.emails_opened as {{ dbt.type_string() }})
                    || ' e-mails not opened in ' || cast(window_rules.window_days as {{ dbt.type_string() }}) || ' days'
            else 'no ' || window_rules.event_type || ' in ' || cast(window_rules.window_days as {{ dbt.type_string() }}) || ' days'
        end as evidence
    from window_rules
    inner join window_counts
        on window_rules.lead_id = window_counts.lead_id
        and window_rules.model_id = window_counts.model_id
        and window_rules.rule_id = window_counts.rule_id
    where (window_rules.decay_kind = 'unopened_emails' and window_counts.emails_sent > window_counts.emails_opened)
        or (window_rules.decay_kind = 'no_recent_event' and window_counts.events_of_type = 0)
),

half_life_days as (
    -- each behaviour event weighted by 0.5 ^ (age / half-life)
    select
        lead_rules.lead_id,
        lead_rules.model_id,
        lead_rules.rule_id as decay_rule_id,
        event_rules.rule_id as behaviour_rule_id,
        daily.event_count,
        power(0.5, {{ dbt.datediff('daily.activity_date', as_of_date(), 'day') }} / lead_rules.half_life_days) as weight
    from lead_rules
    inner join daily
        on lead_rules.lead_id = daily.lead_id
    inner join event_rules
        on lead_rules.model_id = event_rules.model_id
        and daily.event_type = event_rules.event_type
        and daily.page_category = event_rules.page_category
    where lead_rules.decay_kind = 'behaviour_half_life'
),

half_life_counts as (
    select
        lead_id,
        model_id,
        decay_rule_id,
        behaviour_rule_id,
        sum(event_count) as event_count,
        sum(event_count * weight) as weighted_count,
        -- the weight of the first day: the oldest day has the smallest weight (half_life_days > 0)
        min(weight) as first_weight
    from half_life_days
    group by
        lead_id,
        model_id,
        decay_rule_id,
        behaviour_rule_id
),

behaviour_rule_points as (
    -- a rule has a row per event type and page category it covers in int_event_rules_resolved
    select distinct
        model_id,
        rule_id,
        points,
        repeat_points,
        limit_points
    from event_rules
),

half_life_rules as (
    -- the rules' own columns joined after the grouping, so the grouping carries only the keys
    select
        half_life_counts.*,
        decay_rules.description,
        decay_rules.min_points,
        behaviour_rule_points.points,
        behaviour_rule_points.repeat_points,
        behaviour_rule_points.limit_points
    from half_life_counts
    inner join decay_rules
        on half_life_counts.decay_rule_id = decay_rules.rule_id
    inner join behaviour_rule_points
        on half_life_counts.model_id = behaviour_rule_points.model_id
        and half_life_counts.behaviour_rule_id = behaviour_rule_points.rule_id
),

half_life_values as (
    -- the behaviour rule's capped points, undecayed and decayed: decay is their difference
    select
        lead_id,
        model_id,
        decay_rule_id,
        description,
        min_points,
        least(points + repeat_points * (event_count - 1), coalesce(limit_points, points + repeat_points * (event_count - 1))) as full_points,
        least(
            points * first_weight + repeat_points * (weighted_count - first_weight),
            coalesce(limit_points, points * first_weight + repeat_points * (weighted_count - first_weight))
        ) as decayed_points
    from half_life_rules
),

half_life_hits as (
    select
        lead_id,
        model_id,
        decay_rule_id as rule_id,
        max(description) as description,
        max(min_points) as min_points,
        sum({{ to_points('decayed_points') }} - {{ to_points('full_points') }}) as raw_points,
        count(*) as units,
        'half-life on ' || cast(count(*) as {{ dbt.type_string() }}) || ' behaviour rules' as evidence
    from half_life_values
    group by
        lead_id,
        model_id,
        decay_rule_id
),

hits as (
    select * from inactivity_hits
    union all
    select * from window_hits
    union all
    select * from half_life_hits
),

final as (
    select
        lead_id,
        model_id,
        'decay' as component,
        rule_id,
        description as rule_description,
        evidence,
        cast(units as {{ score_type() }}) as units,
        {{ floored_points('raw_points', 'min_points') }}
    from hits
    where raw_points <> 0
)

select * from final
