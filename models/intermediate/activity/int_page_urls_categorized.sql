{{ config(materialized='table') }}

{#- Each distinct page URL with the category of its first matching pattern (lowest priority
    number). Categorising distinct URLs instead of every event keeps the pattern match off the
    big table. -#}

with

events as (
    select * from {{ ref('stg_marketing__events') }}
),

page_categories as (
    select * from {{ ref('page_categories') }}
),

urls as (
    select distinct page_url
    from events
    where page_url is not null
),

matched as (
    select
        urls.page_url,
        page_categories.page_category,
        row_number() over (
            partition by urls.page_url
            order by page_categories.priority, page_categories.pattern_id
        ) as match_rank
    from urls
    inner join page_categories
        on urls.page_url like lower(page_categories.url_pattern)
),

final as (
    select
        urls.page_url,
        coalesce(matched.page_category, 'other') as page_category
    from urls
    left join matched
        on urls.page_url = matched.page_url
        and matched.match_rank = 1
)

select * from final
