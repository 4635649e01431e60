{{ config(materialized='view') }}

{#- Quarantined rows per source, reason and whether they were left out of scoring, with the
    source's row count in the landing data and the share they make of it. The data test
    bad_row_share_below fails the run when a source's dropped share exceeds quality_settings. -#}

with

quarantined as (
    select
        'leads' as source,
        reason,
        is_dropped,
        run_date
    from {{ ref('quarantine_leads') }}
    union all
    select
        'accounts' as source,
        reason,
        is_dropped,
        run_date
    from {{ ref('quarantine_accounts') }}
    union all
    select
        'events' as source,
        reason,
        is_dropped,
        run_date
    from {{ ref('quarantine_events') }}
    union all
    select
        'lifecycle' as source,
        reason,
        is_dropped,
        run_date
    from {{ ref('quarantine_lifecycle') }}
),

source_rows as (
    select
        'leads' as source,
        count(*) as source_rows
    from {{ landing_relation('crm', 'leads') }}
    union all
    select
        'accounts' as source,
        count(*) as source_rows
    from {{ landing_relation('crm', 'accounts') }}
    union all
    select
        'events' as source,
        count(*) as source_rows
    from {{ landing_relation('marketing', 'events') }}
    union all
    select
        'lifecycle' as source,
        count(*) as source_rows
    from {{ landing_relation('crm', 'lifecycle') }}
),

counted as (
    select
        source,
        reason,
        is_dropped,
        run_date,
        count(*) as row_count
    from quarantined
    group by
        source,
        reason,
        is_dropped,
        run_date
),

final as (
    select
        counted.source,
        counted.reason,
        cast(counted.row_count as bigint) as rows,
        cast(source_rows.source_rows as bigint) as source_rows,
        cast(counted.row_count as {{ dbt.type_float() }}) / source_rows.source_rows as bad_share,
        counted.is_dropped,
        counted.run_date
    from counted
    inner join source_rows
        on counted.source = source_rows.source
)

select * from final
