{#- How far back a daily run recomputes the per-day event aggregates: the as-of day and the
    `activity_lookback_days` days before it, so events that arrive a few days late are counted.
    Older late events need `--full-refresh`. -#}
{% macro activity_lookback_days() -%}
    {%- set value = var('activity_lookback_days', 3) -%}
    {%- if modules.re.match('^[0-9]+$', value | string) is none -%}
        {{ exceptions.raise_compiler_error("var activity_lookback_days must be a whole number of days, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{#- The first day an incremental run recomputes: the lookback window's first day, or the day
    after the last stored day up to the as-of day when runs were skipped for longer than that. -#}
{% macro activity_first_recomputed_day(stored_relation) -%}
    (
        select
            cast(case
                when max(activity_date) is null
                    or max(activity_date) >= {{ dbt.dateadd('day', -1 * activity_lookback_days(), as_of_date()) }}
                    then {{ dbt.dateadd('day', -1 * activity_lookback_days(), as_of_date()) }}
                else {{ dbt.dateadd('day', 1, 'max(activity_date)') }}
            end as date)
        from {{ stored_relation }}
        where activity_date <= {{ as_of_date() }}
    )
{%- endmacro %}
