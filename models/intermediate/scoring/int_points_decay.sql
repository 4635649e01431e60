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
    -- one row per lead and decay rule of its model, keys only: a million leads make these
    -- rows many, so each rule's parameters and text are joined where they are used
    select
        assigned.lead_id,
        assigned.model_id,
        cast(leads.created_at as date) as created_date,
        decay_rules.rule_id
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
        decay_rules.points,
        decay_rules.window_days,
        {{ dbt.datediff(
            'coalesce(last_activity.last_engagement_date, lead_rules.created_date)',
            as_of_date(), 'day') }} as days_inactive
    from lead_rules
    inner join decay_rules
        on lead_rules.rule_id = decay_rules.rule_id
    left join last_activity
        on lead_rules.lead_id = last_activity.lead_id
    where decay_rules.decay_kind = 'inactivity'
),

inactivity_hits as (
    select
        lead_id,
        model_id,
        rule_id,
        floor(days_inactive / window_days) * points as raw_points,
        floor(days_inactive / window_days) as units,
        cast(days_inactive as {{ dbt.type_string() }}) || ' days without engagement' as evidence
    from inactivity
    where days_inactive >= window_days
),

window_rules as (
    select * from decay_rules
    where decay_kind in ('unopened_emails', 'no_recent_event')
),

window_leads as (
    -- rules measured over the last `window_days`, for leads that existed for all of it
    select
        lead_rules.lead_id,
        lead_rules.model_id,
        lead_rules.rule_id
    from lead_rules
    inner join window_rules
        on lead_rules.rule_id = window_rules.rule_id
    where lead_rules.created_date is null
        or lead_rules.created_date <= {{ dbt.dateadd('day', '-1 * window_rules.window_days', as_of_date()) }}
),

longest_window as (
    select max(window_days) as window_days
    from window_rules
),

counted_event_types as (
    -- the only event types window_counts counts
    select 'email_sent' as event_type
    union all
    select 'email_open' as event_type
    union all
    select distinct event_type from window_rules
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
    -- per lead and window rule, what its window saw (a lead without such events has no row)
    select
        recent.lead_id,
        window_rules.rule_id,
        sum(case when recent.event_type = 'email_sent' then recent.event_count else 0 end) as emails_sent,
        sum(case when recent.event_type = 'email_open' then recent.event_count else 0 end) as emails_opened,
        sum(case when recent.event_type = window_rules.event_type then recent.event_count else 0 end) as events_of_type
    from recent
    inner join window_rules
        on recent.activity_date > {{ dbt.dateadd('day', '-1 * window_rules.window_days', as_of_date()) }}
    group by
        recent.lead_id,
        window_rules.rule_id
),

window_values as (
    select
        window_leads.lead_id,
        window_leads.model_id,
        window_leads.rule_id,
        window_rules.decay_kind,
        window_rules.event_type,
        window_rules.window_days,
        window_rules.points,
        coalesce(window_counts.emails_sent, 0) - coalesce(window_counts.emails_opened, 0) as emails_unopened,
        coalesce(window_counts.events_of_type, 0) as events_of_type
    from window_leads
    inner join window_rules
        on window_leads.rule_id = window_rules.rule_id
    left join window_counts
        on window_leads.lead_id = window_counts.lead_id
        and window_leads.rule_id = window_counts.rule_id
),

window_hits as (
    select
        lead_id,
        model_id,
        rule_id,
        case
            when decay_kind = 'unopened_emails' then emails_unopened * points
            else points
        end as raw_points,
        case
            when decay_kind = 'unopened_emails' then emails_unopened
            else 1
        end as units,
        case
            when decay_kind = 'unopened_emails'
                then cast(emails_unopened as {{ dbt.type_string() }})
                    || ' e-mails not opened in ' || cast(window_days as {{ dbt.type_string() }}) || ' days'
            else 'no ' || event_type || ' in ' || cast(window_days as {{ dbt.type_string() }}) || ' days'
        end as evidence
    from window_values
    where (decay_kind = 'unopened_emails' and emails_unopened > 0)
        or (decay_kind = 'no_recent_event' and events_of_type = 0)
),

half_life_leads as (
    select
        lead_rules.lead_id,
        lead_rules.model_id,
        lead_rules.rule_id,
        decay_rules.half_life_days
    from lead_rules
    inner join decay_rules
        on lead_rules.rule_id = decay_rules.rule_id
    where decay_rules.decay_kind = 'behaviour_half_life'
),

half_life_days as (
    -- each behaviour event weighted by 0.5 ^ (age / half-life)
    select
        half_life_leads.lead_id,
        half_life_leads.model_id,
        half_life_leads.rule_id as decay_rule_id,
        event_rules.rule_id as behaviour_rule_id,
        daily.event_count,
        power(0.5, {{ dbt.datediff('daily.activity_date', as_of_date(), 'day') }} / half_life_leads.half_life_days) as weight
    from half_life_leads
    inner join daily
        on half_life_leads.lead_id = daily.lead_id
    inner join event_rules
        on half_life_leads.model_id = event_rules.model_id
        and daily.event_type = event_rules.event_type
        and daily.page_category = event_rules.page_category
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
        behaviour_rule_points.points,
        behaviour_rule_points.repeat_points,
        behaviour_rule_points.limit_points
    from half_life_counts
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
        hits.lead_id,
        hits.model_id,
        'decay' as component,
        hits.rule_id,
        decay_rules.description as rule_description,
        hits.evidence,
        cast(hits.units as {{ score_type() }}) as units,
        {{ floored_points('hits.raw_points', 'decay_rules.min_points') }}
    from hits
    inner join decay_rules
        on hits.rule_id = decay_rules.rule_id
    where hits.raw_points <> 0
)

select * from final
