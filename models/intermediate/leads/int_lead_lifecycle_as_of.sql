{#- Each lead's CRM stages known on the as-of date: the furthest stage it reached (by stage_rank)
    and its latest stage. -#}

with

stages as (
    select * from {{ ref('int_lifecycle_stages_as_of') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

ranked as (
    select
        stages.lead_id,
        stages.stage,
        stages.entered_at,
        stages.reason,
        row_number() over (
            partition by stages.lead_id
            order by lifecycle_stages.stage_rank desc, stages.entered_at desc
        ) as furthest_rank,
        row_number() over (
            partition by stages.lead_id
            order by stages.entered_at desc, lifecycle_stages.stage_rank desc
        ) as latest_rank
    from stages
    inner join lifecycle_stages
        on stages.stage = lifecycle_stages.stage
),

final as (
    select
        lead_id,
        max(case when furthest_rank = 1 then stage end) as stage_reached,
        max(case when furthest_rank = 1 then entered_at end) as stage_reached_at,
        max(case when latest_rank = 1 then stage end) as current_stage,
        max(case when latest_rank = 1 then entered_at end) as current_stage_at
    from ranked
    group by lead_id
)

select * from final
