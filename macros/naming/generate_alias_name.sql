{#- dbt's own alias, except that a stored test failure's table name is kept within 63 characters
    (Postgres's limit; a longer name would fail the test there) by a hash of the full name. -#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- set alias = default__generate_alias_name(custom_alias_name, node) | trim -%}
    {%- if node is not none and node.resource_type == 'test' and alias | length > 63 -%}
        {%- set alias = alias[:54] ~ '_' ~ local_md5(alias)[:8] -%}
    {%- endif -%}
    {{ return(alias) }}
{%- endmacro %}
