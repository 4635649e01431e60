{#- Table grants (the `grants` config on BI-facing marts) are not enough on most warehouses: the
    reader role must also be allowed to look into the schema. Only usage is granted, so the role
    still sees no table it was not granted; staging, quarantine and seeds stay closed. -#}
{% macro grant_schema_usage_to_reader() -%}
    {{ return(adapter.dispatch('grant_schema_usage_to_reader')()) }}
{%- endmacro %}

{% macro default__grant_schema_usage_to_reader() -%}
    {%- set role = var('reader_role', '') | trim -%}
    {%- if role != '' and execute -%}
        grant usage on schema {{ adapter.quote(target.schema) }} to {{ adapter.quote(role) }}
    {%- endif -%}
{%- endmacro %}

{#- No roles on DuckDB (BI tools read the published serving file); on Spark access is the
    metastore's or the platform's business. -#}
{% macro duckdb__grant_schema_usage_to_reader() -%}
{%- endmacro %}

{% macro spark__grant_schema_usage_to_reader() -%}
{%- endmacro %}
