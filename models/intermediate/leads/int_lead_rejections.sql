{#- Sales rejections known on the as-of date, with the free-text reason lower-cased for matching. -#}

with

stages as (
    select * from {{ ref('int_lifecycle_stages_as_of') }}
),

final as (
    select
        lead_id,
        entered_at as rejected_at,
        lower(reason) as reason
    from stages
    where stage = 'rejected'
)

select * from final
