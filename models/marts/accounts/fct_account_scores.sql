{#- One row per account and scoring model on the as-of date: the account's leads' scores rolled
    up with the method of the account_scoring seed, its grade from account_grade_bands, and how
    its leads fared with sales. A model's own seed rows beat the 'all' rows. Leads without an
    account are left out, so accounts without scored leads are absent. -#}

with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

account_scoring as (
    select * from {{ ref('account_scoring') }}
),

account_grade_bands as (
    select * from {{ ref('account_grade_bands') }}
),

models_with_own_bands as (
    select distinct model_id
    from account_grade_bands
    where model_id <> 'all'
),

account_leads as (
    -- each lead with an account, beside its model's roll-up setting: own row, else the 'all' row
    select
        funnel.account_id,
        funnel.model_id,
        funnel.lead_id,
        funnel.total_score,
        funnel.is_mql,
        funnel.first_mql_date,
        funnel.reached_sql,
        funnel.sql_at,
        coalesce(own_scoring.method, all_scoring.method) as method,
        coalesce(own_scoring.engaged_threshold, all_scoring.engaged_threshold) as engaged_threshold
    from funnel
    left join account_scoring as own_scoring
        on funnel.model_id = own_scoring.model_id
    left join account_scoring as all_scoring
        on all_scoring.model_id = 'all'
    where funnel.account_id is not null
),

rolled_up as (
    select
        account_id,
        model_id,
        method,
        count(distinct lead_id) as leads,
        sum(total_score) as sum_score,
        avg(total_score) as average_score,
        max(total_score) as max_score,
        sum(case when total_score >= engaged_threshold then 1 else 0 end) as engaged_leads,
        sum(case when is_mql then 1 else 0 end) as mqls,
        sum(case when reached_sql then 1 else 0 end) as sqls_ever,
        sum(case when first_mql_date is not null then 1 else 0 end) as ever_mqls,
        sum(case when first_mql_date is not null and reached_sql then 1 else 0 end) as ever_mqls_reaching_sql,
        max(sql_at) as last_sql_at
    from account_leads
    group by
        account_id,
        model_id,
        method
),

scored as (
    select
        account_id,
        model_id,
        {{ to_points(
            "case method
                when 'sum' then sum_score
                when 'average' then average_score
                when 'max' then max_score
                when 'engaged_contacts' then engaged_leads
            end"
        ) }} as account_score,
        leads,
        engaged_leads,
        mqls,
        sqls_ever,
        ever_mqls,
        ever_mqls_reaching_sql,
        last_sql_at
    from rolled_up
),

graded as (
    -- the best-ranked band whose minimum the account score reaches (a band without minimum takes
    -- the rest), among the model's own bands when it has any, else the 'all' bands
    select
        scored.account_id,
        scored.model_id,
        account_grade_bands.grade,
        row_number() over (
            partition by scored.account_id, scored.model_id
            order by account_grade_bands.grade_rank
        ) as band_rank
    from scored
    left join models_with_own_bands
        on scored.model_id = models_with_own_bands.model_id
    inner join account_grade_bands
        on coalesce(models_with_own_bands.model_id, 'all') = account_grade_bands.model_id
        and (
            account_grade_bands.min_score is null
            or scored.account_score >= account_grade_bands.min_score
        )
),

final as (
    select
        scored.account_id,
        scored.model_id,
        scored.account_score,
        cast(scored.leads as integer) as leads,
        cast(scored.engaged_leads as integer) as engaged_leads,
        cast(scored.mqls as integer) as mqls,
        graded.grade as account_grade,
        cast(scored.sqls_ever as integer) as sqls_ever,
        cast(round(1.0 * scored.ever_mqls_reaching_sql / nullif(scored.ever_mqls, 0), 4) as decimal(18, 4)) as mql_to_sql_rate,
        scored.last_sql_at,
        {{ as_of_date() }} as as_of_date
    from scored
    left join graded
        on scored.account_id = graded.account_id
        and scored.model_id = graded.model_id
        and graded.band_rank = 1
)

select * from final
