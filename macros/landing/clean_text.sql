{#- Free text: trimmed, empty string as null. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- A category value as rules are written: lower case, spaces and hyphens as underscores. -#}
{% macro clean_category(column) -%}
    nullif(replace(replace(lower(trim({{ column }})), ' ', '_'), '-', '_'), '')
{%- endmacro %}

{#- Text to a typed value; a value that does not parse becomes null instead of failing the run. -#}
{% macro parse_as(column, type_name) -%}
    {{ return(adapter.dispatch('parse_as')(column, type_name)) }}
{%- endmacro %}

{% macro default__parse_as(column, type_name) -%}
    {{ try_cast(clean_text(column), api.Column.translate_type(type_name)) }}
{%- endmacro %}

{#- DuckDB's casts from text skip surrounding spaces and read '' as null already, so the column
    is cast as it is: text and an already typed landing column (see landing_relation) alike. -#}
{% macro duckdb__parse_as(column, type_name) -%}
    {{ try_cast(column, api.Column.translate_type(type_name)) }}
{%- endmacro %}

{#- A raw value as text, for a quarantine row: a landing column may be typed (see landing_relation). -#}
{% macro raw_text(column) -%}
    cast({{ column }} as {{ dbt.type_string() }})
{%- endmacro %}
