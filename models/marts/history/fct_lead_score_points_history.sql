{{
    config(
        materialized='incremental',
        incremental_strategy=replace_days_strategy(),
        partition_by=replace_days_partition('valid_from'),
        unique_key='valid_from',
        full_refresh=false,
        on_schema_change='append_new_columns',
    )
}}

{#- The ledger's history, stored as changes: a row for each lead, model and rule whose points on
    the as-of day differ from the last stored value before that day, including a rule that
    stopped firing (final_points 0, is_removed). The ledger of any day is the latest row per key
    up to that day; what changed on a day is the rows with valid_from = that day. -#}

with

points as (
    select * from {{ ref('fct_lead_score_points') }}
),

{% if is_incremental() %}

stored as (
    select
        lead_id,
        model_id,
        rule_id,
        component,
        final_points,
        is_removed,
        row_number() over (
            partition by lead_id, model_id, rule_id
            order by valid_from desc
        ) as recency
    from {{ this }}
    where valid_from < {{ as_of_date() }}
),

previous as (
    select
        lead_id,
        model_id,
        rule_id,
        component,
        final_points
    from stored
    where recency = 1
        and not is_removed
),

{% else %}

previous as (
    select
        lead_id,
        model_id,
        rule_id,
        component,
        final_points
    from points
    where 1 = 0
),

{% endif %}

compared as (
    select
        coalesce(points.lead_id, previous.lead_id) as lead_id,
        coalesce(points.model_id, previous.model_id) as model_id,
        coalesce(points.rule_id, previous.rule_id) as rule_id,
        coalesce(points.component, previous.component) as component,
        points.evidence,
        coalesce(previous.final_points, 0) as previous_points,
        coalesce(points.final_points, 0) as final_points,
        points.lead_id is null as is_removed
    from points
    full outer join previous
        on points.lead_id = previous.lead_id
        and points.model_id = previous.model_id
        and points.rule_id = previous.rule_id
),

final as (
    select
        {{ as_of_date() }} as valid_from,
        lead_id,
        model_id,
        rule_id,
        component,
        evidence,
        {{ to_points('previous_points') }} as previous_points,
        {{ to_points('final_points') }} as final_points,
        {{ to_points('final_points - previous_points') }} as change_points,
        is_removed
    from compared
    where final_points <> previous_points
        or is_removed
)

select * from final
