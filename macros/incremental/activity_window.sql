{#- How far back a daily run recomputes stored events: the as-of day and the
    `activity_lookback_days` days before it (default 3), so events that arrive a few days late
    are counted. Older late events need a --full-refresh run. -#}
{% macro activity_lookback_days() -%}
    {%- set value = var('activity_lookback_days', 3) -%}
    {%- if modules.re.match('^[0-9]+$', value | string) is none -%}
        {{ exceptions.raise_compiler_error("var activity_lookback_days must be a whole number of days, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{#- The first day an incremental run recomputes: the lookback window's first day, or the day
    after the last stored day up to the as-of day when runs were skipped for longer than that. -#}
{% macro activity_first_recomputed_day(stored_relation, day_column) -%}
    {%- set window_start = dbt.dateadd('day', -1 * activity_lookback_days(), as_of_date()) -%}
    (
        select
            cast(case
                when max({{ day_column }}) is null or max({{ day_column }}) >= {{ window_start }}
                    then {{ window_start }}
                else {{ dbt.dateadd('day', 1, 'max(' ~ day_column ~ ')') }}
            end as date)
        from {{ stored_relation }}
        where {{ day_column }} <= {{ as_of_date() }}
    )
{%- endmacro %}

{#- When this dbt invocation started, stored on the rows an incremental model writes, so a model
    downstream can tell which rows (days) were replaced since it last ran. -#}
{% macro run_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
