{#- Cast that yields null instead of failing on a value that does not parse. dbt's own
    safe_cast is a plain cast on DuckDB and Postgres, which would fail the whole run on one bad
    value in a landing file. -#}
{% macro try_cast(expression, type_name) -%}
    {{ return(adapter.dispatch('try_cast')(expression, type_name)) }}
{%- endmacro %}

{% macro default__try_cast(expression, type_name) -%}
    {{ dbt.safe_cast(expression, type_name) }}
{%- endmacro %}

{% macro duckdb__try_cast(expression, type_name) -%}
    try_cast({{ expression }} as {{ type_name }})
{%- endmacro %}
