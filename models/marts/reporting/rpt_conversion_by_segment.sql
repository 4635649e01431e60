{#- Funnel conversion by segment, in long format: one row per segment dimension, segment value
    and cohort month, plus one all-cohorts row per segment (cohort_month null). Leads are counted
    once per segment value, whatever the number of scoring models that score them, and at every
    stage they passed. Rates and days are given from lead creation (lead->SQL, lead->won) as well
    as from the first MQL day, so segments compare when no lead, or every lead, is an MQL. -#}

{#- The dimensions a segment can be cut by, and the fct_lead_funnel column that holds each. -#}
{%- set dimensions = [
    ('industry', 'account_industry'),
    ('company_size_band', 'company_size_band'),
    ('region', 'region'),
    ('country', 'country_code'),
    ('lead_source', 'lead_source'),
    ('scoring_model', 'model_id'),
    ('fit_grade', 'fit_grade'),
    ('grade_at_mql', 'grade_at_mql'),
] -%}

with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

report_settings as (
    select * from {{ ref('report_settings') }}
),

segment_rows as (
    -- the dimensions unpivoted: one row per lead, scoring model and dimension
    {%- for dimension, column in dimensions %}
    select
        '{{ dimension }}' as segment_dimension,
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), 'unknown') as segment_value,
        lead_id,
        cohort_month,
        lead_created_at,
        first_mql_date,
        sql_at,
        opportunity_at,
        won_at,
        rejected_at,
        rejection_reason
    from funnel
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

segment_leads as (
    -- one row per lead and segment value: a lead scored by several models is one lead, an MQL
    -- from the first day any of its models made it one
    select
        segment_dimension,
        segment_value,
        lead_id,
        min(cohort_month) as cohort_month,
        min(lead_created_at) as lead_created_at,
        min(first_mql_date) as first_mql_date,
        min(sql_at) as sql_at,
        min(opportunity_at) as opportunity_at,
        min(won_at) as won_at,
        min(rejected_at) as rejected_at,
        max(rejection_reason) as rejection_reason
    from segment_rows
    group by
        segment_dimension,
        segment_value,
        lead_id
),

lead_days as (
    -- days from the lead's creation day and from its first MQL day to sql and to won, each only
    -- when the stage came on or after that day
    select
        *,
        case
            when cast(sql_at as date) >= cast(lead_created_at as date)
                then {{ dbt.datediff('cast(lead_created_at as date)', 'cast(sql_at as date)', 'day') }}
        end as days_lead_to_sql,
        case
            when cast(won_at as date) >= cast(lead_created_at as date)
                then {{ dbt.datediff('cast(lead_created_at as date)', 'cast(won_at as date)', 'day') }}
        end as days_lead_to_won,
        case
            when cast(sql_at as date) >= first_mql_date
                then {{ dbt.datediff('first_mql_date', 'cast(sql_at as date)', 'day') }}
        end as days_mql_to_sql,
        case
            when cast(won_at as date) >= first_mql_date
                then {{ dbt.datediff('first_mql_date', 'cast(won_at as date)', 'day') }}
        end as days_mql_to_won
    from segment_leads
),

cohort_levels as (
    select false as is_all_cohorts
    union all
    select true as is_all_cohorts
),

cohorts as (
    -- every lead once in its cohort month and once in the all-cohorts row of its segment
    select
        lead_days.segment_dimension,
        lead_days.segment_value,
        lead_days.lead_id,
        case when not cohort_levels.is_all_cohorts then lead_days.cohort_month end as cohort_month,
        cohort_levels.is_all_cohorts,
        lead_days.first_mql_date,
        lead_days.sql_at,
        lead_days.opportunity_at,
        lead_days.won_at,
        lead_days.rejected_at,
        lead_days.rejection_reason,
        lead_days.days_lead_to_sql,
        lead_days.days_lead_to_won,
        lead_days.days_mql_to_sql,
        lead_days.days_mql_to_won
    from lead_days
    cross join cohort_levels
),

segment_counts as (
    select
        segment_dimension,
        segment_value,
        cohort_month,
        is_all_cohorts,
        count(distinct lead_id) as leads,
        count(distinct case when first_mql_date is not null then lead_id end) as mqls,
        count(distinct case when sql_at is not null then lead_id end) as sqls,
        count(distinct case when opportunity_at is not null then lead_id end) as opportunities,
        count(distinct case when won_at is not null then lead_id end) as won,
        count(distinct case when first_mql_date is not null and sql_at is not null then lead_id end) as mqls_reaching_sql,
        count(distinct case when rejected_at is not null then lead_id end) as rejected,
        {{ percentile('days_lead_to_sql', 0.5) }} as median_days_lead_to_sql,
        {{ percentile('days_lead_to_sql', 0.9) }} as p90_days_lead_to_sql,
        {{ percentile('days_lead_to_won', 0.5) }} as median_days_lead_to_won,
        {{ percentile('days_lead_to_won', 0.9) }} as p90_days_lead_to_won,
        {{ percentile('days_mql_to_sql', 0.5) }} as median_days_mql_to_sql,
        {{ percentile('days_mql_to_sql', 0.9) }} as p90_days_mql_to_sql,
        {{ percentile('days_mql_to_won', 0.5) }} as median_days_mql_to_won,
        {{ percentile('days_mql_to_won', 0.9) }} as p90_days_mql_to_won
    from cohorts
    group by
        segment_dimension,
        segment_value,
        cohort_month,
        is_all_cohorts
),

reason_counts as (
    select
        segment_dimension,
        segment_value,
        cohort_month,
        is_all_cohorts,
        rejection_reason,
        count(distinct lead_id) as reason_leads
    from cohorts
    where rejected_at is not null
        and rejection_reason is not null
    group by
        segment_dimension,
        segment_value,
        cohort_month,
        is_all_cohorts,
        rejection_reason
),

reasons_ranked as (
    -- most frequent first; ties in alphabetical order so the list never changes between runs
    select
        *,
        row_number() over (
            partition by segment_dimension, segment_value, cohort_month, is_all_cohorts
            order by reason_leads desc, rejection_reason asc
        ) as reason_rank
    from reason_counts
),

top_reasons as (
    select
        segment_dimension,
        segment_value,
        cohort_month,
        is_all_cohorts,
        {{ dbt.listagg(
            dbt.concat(['rejection_reason', "' ('", 'cast(reason_leads as ' ~ dbt.type_string() ~ ')', "')'"]),
            "' | '",
            'order by reason_leads desc, rejection_reason'
        ) }} as top_rejection_reasons
    from reasons_ranked
    where reason_rank <= 3
    group by
        segment_dimension,
        segment_value,
        cohort_month,
        is_all_cohorts
),

final as (
    select
        segment_counts.segment_dimension,
        segment_counts.segment_value,
        segment_counts.cohort_month,
        segment_counts.is_all_cohorts,
        cast(segment_counts.leads as bigint) as leads,
        cast(segment_counts.mqls as bigint) as mqls,
        cast(segment_counts.sqls as bigint) as sqls,
        cast(segment_counts.opportunities as bigint) as opportunities,
        cast(segment_counts.won as bigint) as won,
        cast(round(1.0 * segment_counts.mqls / nullif(segment_counts.leads, 0), 4) as decimal(18, 4)) as lead_to_mql_rate,
        cast(round(1.0 * segment_counts.sqls / nullif(segment_counts.leads, 0), 4) as decimal(18, 4)) as lead_to_sql_rate,
        cast(round(1.0 * segment_counts.won / nullif(segment_counts.leads, 0), 4) as decimal(18, 4)) as lead_to_won_rate,
        cast(round(1.0 * segment_counts.mqls_reaching_sql / nullif(segment_counts.mqls, 0), 4) as decimal(18, 4)) as mql_to_sql_rate,
        cast(round(1.0 * segment_counts.won / nullif(segment_counts.sqls, 0), 4) as decimal(18, 4)) as sql_to_won_rate,
        cast(segment_counts.median_days_lead_to_sql as decimal(18, 2)) as median_days_lead_to_sql,
        cast(segment_counts.p90_days_lead_to_sql as decimal(18, 2)) as p90_days_lead_to_sql,
        cast(segment_counts.median_days_lead_to_won as decimal(18, 2)) as median_days_lead_to_won,
        cast(segment_counts.p90_days_lead_to_won as decimal(18, 2)) as p90_days_lead_to_won,
        cast(segment_counts.median_days_mql_to_sql as decimal(18, 2)) as median_days_mql_to_sql,
        cast(segment_counts.p90_days_mql_to_sql as decimal(18, 2)) as p90_days_mql_to_sql,
        cast(segment_counts.median_days_mql_to_won as decimal(18, 2)) as median_days_mql_to_won,
        cast(segment_counts.p90_days_mql_to_won as decimal(18, 2)) as p90_days_mql_to_won,
        cast(segment_counts.rejected as bigint) as rejected,
        cast(round(1.0 * segment_counts.rejected / nullif(segment_counts.leads, 0), 4) as decimal(18, 4)) as rejected_share,
        top_reasons.top_rejection_reasons,
        segment_counts.leads < report_settings.min_segment_leads as is_small_segment,
        {{ as_of_date() }} as as_of_date
    from segment_counts
    cross join report_settings
    left join top_reasons
        on segment_counts.segment_dimension = top_reasons.segment_dimension
        and segment_counts.segment_value = top_reasons.segment_value
        and segment_counts.is_all_cohorts = top_reasons.is_all_cohorts
        and (
            segment_counts.cohort_month = top_reasons.cohort_month
            or (segment_counts.cohort_month is null and top_reasons.cohort_month is null)
        )
)

select * from final
