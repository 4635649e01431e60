{#- The sales priority list: per scoring model, the as-of day's MQLs and near-MQLs (total at
    least near_mql_share of the MQL threshold, not an MQL) that sales has not handled yet, best
    first, at most priority_list_size of them. Each row says why (the three rules that give the
    most points) and what changed since the lead's previous scored day. Leads already at a CRM
    sales stage are left out: sql, opportunity, won and lost are with sales, and rejected leads
    were turned down by sales, so they are not sent back by this list. -#}

with

scores as (
    select * from {{ ref('fct_lead_scores') }}
),

points as (
    select * from {{ ref('fct_lead_score_points') }}
),

history as (
    select * from {{ ref('fct_lead_score_history') }}
),

changes as (
    select * from {{ ref('fct_lead_score_changes') }}
),

report_settings as (
    select * from {{ ref('report_settings') }}
),

candidates as (
    select
        scores.model_id,
        scores.lead_id,
        scores.total_score,
        scores.score_grade,
        scores.fit_grade,
        scores.is_mql,
        not scores.is_mql as is_near_mql,
        scores.qualification_status,
        scores.stage_reached,
        scores.last_activity_date,
        scores.as_of_date,
        report_settings.priority_list_size
    from scores
    cross join report_settings
    where
        scores.stage_reached not in ('sql', 'opportunity', 'won', 'lost', 'rejected')
        and (
            scores.is_mql
            or scores.total_score >= report_settings.near_mql_share * scores.mql_threshold
        )
),

ranked as (
    -- MQLs before near-MQLs, then the highest score; on a tie the most recent activity (none
    -- last), then the lead id
    select
        candidates.*,
        row_number() over (
            partition by candidates.model_id
            order by
                case when candidates.is_mql then 0 else 1 end,
                candidates.total_score desc,
                case when candidates.last_activity_date is null then 1 else 0 end,
                candidates.last_activity_date desc,
                candidates.lead_id asc
        ) as priority_rank
    from candidates
),

listed as (
    select *
    from ranked
    where priority_rank <= priority_list_size
),

listed_points as (
    select points.*
    from points
    inner join listed
        on points.lead_id = listed.lead_id
        and points.model_id = listed.model_id
),

positive_points as (
    {{ ranked_ledger_reasons('listed_points') }}
),

reasons as (
    select
        lead_id,
        model_id,
        max(case when reason_rank = 1 then reason end) as reason_1,
        max(case when reason_rank = 2 then reason end) as reason_2,
        max(case when reason_rank = 3 then reason end) as reason_3
    from positive_points
    where reason_rank <= 3
    group by
        lead_id,
        model_id
),

previous_days as (
    -- the lead's latest scored day before the as-of date
    select
        history.lead_id,
        history.model_id,
        history.total_score,
        row_number() over (
            partition by history.lead_id, history.model_id
            order by history.as_of_date desc
        ) as day_rank
    from history
    inner join listed
        on history.lead_id = listed.lead_id
        and history.model_id = listed.model_id
    where history.as_of_date < {{ as_of_date() }}
),

day_changes as (
    select
        changes.lead_id,
        changes.model_id,
        changes.rule_id,
        changes.change_points,
        changes.rule_id
        || ' ('
        || case when changes.change_points > 0 then '+' else '' end
        || {{ points_text('changes.change_points') }}
        || ')' as changed_rule
    from changes
    inner join listed
        on changes.lead_id = listed.lead_id
        and changes.model_id = listed.model_id
    where changes.as_of_date = {{ as_of_date() }}
),

changed_rules as (
    -- biggest change first
    select
        lead_id,
        model_id,
        {{ dbt.listagg(
            measure='changed_rule',
            delimiter_text="' | '",
            order_by_clause='order by abs(change_points) desc, rule_id'
        ) }} as changed_rules
    from day_changes
    group by
        lead_id,
        model_id
),

final as (
    select
        listed.model_id,
        cast(listed.priority_rank as integer) as priority_rank,
        listed.lead_id,
        listed.total_score,
        listed.score_grade,
        listed.fit_grade,
        listed.is_mql,
        listed.is_near_mql,
        listed.qualification_status,
        listed.stage_reached,
        listed.last_activity_date,
        reasons.reason_1,
        reasons.reason_2,
        reasons.reason_3,
        cast(listed.total_score - previous_days.total_score as {{ score_type() }}) as score_change_since_previous_day,
        changed_rules.changed_rules,
        listed.as_of_date
    from listed
    left join reasons
        on listed.lead_id = reasons.lead_id
        and listed.model_id = reasons.model_id
    left join previous_days
        on listed.lead_id = previous_days.lead_id
        and listed.model_id = previous_days.model_id
        and previous_days.day_rank = 1
    left join changed_rules
        on listed.lead_id = changed_rules.lead_id
        and listed.model_id = changed_rules.model_id
)

select * from final
