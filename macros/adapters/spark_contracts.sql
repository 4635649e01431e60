{#- Contracts on Spark: the contracts' data types are written once for every engine, and
    `varchar` is `string` on Spark (see spark_seeds.sql). dbt checks a contract by casting nulls
    to the declared types; this translates them first, then does what dbt does. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set translated = {} -%}
    {%- for name, column in columns.items() -%}
        {%- set copy = {} -%}
        {%- do copy.update(column) -%}
        {%- if copy.get('data_type') -%}
            {%- do copy.update({'data_type': spark_type(copy['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{%- endmacro %}
