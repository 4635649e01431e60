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
    {{ try_cast(clean_text(column), api.Column.translate_type(type_name)) }}
{%- endmacro %}
