{#- How far back a daily run recomputes stored events whatever their fingerprints say: the as-of
    day and the `activity_lookback_days` days before it (default 3). Older days are recomputed
    when their landed events changed (see day_fingerprint.sql). -#}
{% macro activity_lookback_days() -%}
    {%- set value = var('activity_lookback_days', 3) -%}
    {%- if modules.re.match('^[0-9]+$', value | string) is none -%}
        {{ exceptions.raise_compiler_error("var activity_lookback_days must be a whole number of days, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{#- The first day of the lookback window. -#}
{% macro activity_window_start() -%}
    {{ dbt.dateadd('day', -1 * activity_lookback_days(), as_of_date()) }}
{%- endmacro %}

{#- When this dbt invocation started, stored on the rows an incremental model writes, so a model
    downstream can tell which rows (days) were replaced since it last ran. -#}
{% macro run_loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
